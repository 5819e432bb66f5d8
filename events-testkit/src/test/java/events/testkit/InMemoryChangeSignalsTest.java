package events.testkit;

import events.ports.ChangeSignals;

class InMemoryChangeSignalsTest extends ChangeSignalsContract {
    private final InMemoryChangeSignals network = new InMemoryChangeSignals();

    @Override
    protected ChangeSignals newProcess() {
        return network.node();
    }
}
