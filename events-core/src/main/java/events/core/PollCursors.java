package events.core;

import events.domain.EventFilter;
import events.domain.EventQuery;
import events.domain.InvalidEventException;
import events.domain.TypePattern;
import events.domain.Violation;
import events.support.SecretBox;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Poll cursors: a position in the event sequence, sealed ({@link SecretBox}, purpose {@code poll-cursor}) so
 * that its holder cannot read it, and bound to the caller and the filter it was made for. A cursor that
 * pointed past hidden events in plain text told a caller with no grant that such events exist (their subjects
 * and, through type wildcards, their types); sealed, each cursor is fresh random bytes, equal positions
 * included, and a cursor made for one filter cannot be replayed with another to compare positions.
 *
 * <p>{@code 0} starts from the first event; nothing else but a sealed cursor is accepted. A plain position (the
 * cursors of earlier versions) is refused: choosing one, a caller with no grant could time polls that start
 * before and after a guess and find where hidden events lie (the work of a poll grows with the hidden events it
 * examines), a binary search in a dozen polls.
 */
final class PollCursors {
    private static final String PREFIX = "c1.";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final SecretBox box;

    PollCursors(SecretBox box) {
        this.box = box.forPurpose("poll-cursor");
    }

    /** The sealed cursor for {@code position}, usable only by {@code consumer} with {@code filter}. */
    String seal(String consumer, EventFilter filter, long position) {
        byte[] sealed = box.seal(ByteBuffer.allocate(Long.BYTES).putLong(position).array(), context(consumer, filter));
        return PREFIX + ENCODER.encodeToString(sealed);
    }

    /**
     * The position {@code cursor} stands for.
     *
     * @throws InvalidEventException when it is neither a number nor a cursor sealed for this consumer and filter
     */
    long open(String consumer, EventFilter filter, String cursor) {
        if (EventQuery.START.equals(cursor)) {
            return 0;
        }
        return opened(consumer, filter, cursor).orElseThrow(() -> new InvalidEventException(new Violation("after",
                "is not a cursor this service gave out for this query: start again from 0, or follow the next link"
                        + " of the previous page with the same filters")));
    }

    private Optional<Long> opened(String consumer, EventFilter filter, String cursor) {
        if (!cursor.startsWith(PREFIX)) {
            return Optional.empty();
        }
        byte[] sealed;
        try {
            sealed = DECODER.decode(cursor.substring(PREFIX.length()));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        return box.open(sealed, context(consumer, filter))
                .filter(plain -> plain.length == Long.BYTES)
                .map(plain -> ByteBuffer.wrap(plain).getLong())
                .filter(position -> position >= 0);
    }

    /** Consumer and filter, each field length-prefixed so that no two different ones give the same bytes. */
    private static byte[] context(String consumer, EventFilter filter) {
        StringBuilder context = new StringBuilder();
        field(context, consumer);
        field(context, filter.resource());
        field(context, filter.subject());
        field(context, filter.alternativeSubject());
        for (TypePattern type : filter.types()) {
            field(context, type.pattern());
        }
        return context.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void field(StringBuilder context, String value) {
        if (value == null) {
            context.append("-;");
        } else {
            context.append(value.length()).append(':').append(value).append(';');
        }
    }
}
