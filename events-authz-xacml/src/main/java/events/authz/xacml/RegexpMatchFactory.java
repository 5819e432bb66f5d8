package events.authz.xacml;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.w3c.dom.Node;
import org.wso2.balana.ParsingException;
import org.wso2.balana.UnknownIdentifierException;
import org.wso2.balana.cond.BasicFunctionFactoryProxy;
import org.wso2.balana.cond.Function;
import org.wso2.balana.cond.FunctionFactory;
import org.wso2.balana.cond.FunctionProxy;
import org.wso2.balana.cond.FunctionTypeException;
import org.wso2.balana.cond.StandardFunctionFactory;

/** One of Balana's standard function factories, with {@link RegexpMatch} for its regular-expression matches. */
final class RegexpMatchFactory extends FunctionFactory {
    private final FunctionFactory standard;
    private final Map<String, Function> regexpMatches;

    private RegexpMatchFactory(FunctionFactory standard, Map<String, Function> regexpMatches) {
        this.standard = standard;
        this.regexpMatches = regexpMatches;
    }

    /** Makes these Balana's process-wide default factories (target, condition, general) for later parsing. */
    static void install() {
        Map<String, Function> regexpMatches = new HashMap<>();
        for (String id : RegexpMatch.VALUE_TYPES.keySet()) {
            regexpMatches.put(id, new RegexpMatch(id));
        }
        FunctionFactory.setDefaultFactory(new BasicFunctionFactoryProxy(
                new RegexpMatchFactory(StandardFunctionFactory.getTargetFactory(), regexpMatches),
                new RegexpMatchFactory(StandardFunctionFactory.getConditionFactory(), regexpMatches),
                new RegexpMatchFactory(StandardFunctionFactory.getGeneralFactory(), regexpMatches)));
    }

    @Override
    public Function createFunction(URI identity) throws UnknownIdentifierException, FunctionTypeException {
        return createFunction(identity.toString());
    }

    @Override
    public Function createFunction(String identity) throws UnknownIdentifierException, FunctionTypeException {
        Function regexpMatch = regexpMatches.get(identity);
        return regexpMatch != null ? regexpMatch : standard.createFunction(identity);
    }

    @Override
    public Function createAbstractFunction(URI identity, Node root)
            throws UnknownIdentifierException, ParsingException, FunctionTypeException {
        return standard.createAbstractFunction(identity, root);
    }

    @Override
    public Function createAbstractFunction(URI identity, Node root, String xpathVersion)
            throws UnknownIdentifierException, ParsingException, FunctionTypeException {
        return standard.createAbstractFunction(identity, root, xpathVersion);
    }

    @Override
    public Function createAbstractFunction(String identity, Node root)
            throws UnknownIdentifierException, ParsingException, FunctionTypeException {
        return standard.createAbstractFunction(identity, root);
    }

    @Override
    public Function createAbstractFunction(String identity, Node root, String xpathVersion)
            throws UnknownIdentifierException, ParsingException, FunctionTypeException {
        return standard.createAbstractFunction(identity, root, xpathVersion);
    }

    @Override
    public Set<?> getSupportedFunctions() {
        return standard.getSupportedFunctions();
    }

    @Override
    public void addFunction(Function function) {
        throw new UnsupportedOperationException("the policy functions are fixed");
    }

    @Override
    public void addAbstractFunction(FunctionProxy proxy, URI identity) {
        throw new UnsupportedOperationException("the policy functions are fixed");
    }
}
