package io.fulcrum.dns.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written parser reads what dnsjava writes, and the replies it patches are what dnsjava reads. */
class QueryParserProperties {

    record Case(String name, int type, boolean edns, int udpSize, int prefix, int[] address) {
    }

    @Provide
    Arbitrary<Case> queries() {
        Arbitrary<String> label = Arbitraries.strings().withChars("abcXYZ019-_").ofMinLength(1).ofMaxLength(20);
        Arbitrary<String> name = label.list().ofMinSize(1).ofMaxSize(6).map(ls -> String.join(".", ls) + ".");
        Arbitrary<Integer> type = Arbitraries.of(Type.A, Type.AAAA, Type.MX, Type.TXT, Type.SRV, Type.NS, Type.SOA,
                Type.PTR, Type.CNAME, Type.ANY);
        Arbitrary<int[]> address = Arbitraries.integers().between(0, 255).array(int[].class).ofSize(4);
        return Combinators.combine(name, type, Arbitraries.of(true, false), Arbitraries.integers().between(512, 4096),
                Arbitraries.integers().between(0, 32), address).as(Case::new);
    }

    @Property(tries = 200)
    void authorityRecordsAreSkippedAndTrailingBytesRefused(@ForAll("queries") Case c,
                                                          @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 40)
                                                          int trailing) throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(c.name()), c.type(), DClass.IN));
        q.addRecord(new org.xbill.DNS.SOARecord(Name.fromString(c.name()), DClass.IN, 60, Name.fromString("ns."),
                Name.fromString("h."), 7, 1, 1, 1, 1), Section.AUTHORITY);
        if (c.edns()) {
            q.addRecord(new OPTRecord(c.udpSize(), 0, 0), Section.ADDITIONAL);
        }
        byte[] wire = q.toWire();
        Query parsed = new Query();
        assertThat(QueryParser.parse(Unpooled.wrappedBuffer(wire), parsed)).isEqualTo(Query.Status.OK);
        assertThat(parsed.type).isEqualTo(c.type());
        assertThat(parsed.edns).isEqualTo(c.edns());

        byte[] longer = Arrays.copyOf(wire, wire.length + trailing);
        assertThat(QueryParser.parse(Unpooled.wrappedBuffer(longer), parsed)).isEqualTo(Query.Status.FORMERR);
        assertThat(parsed.question).as("the question can still be echoed").isTrue();
        assertThat(parsed.edns).as("and the OPT").isEqualTo(c.edns());
    }

    @Property(tries = 300)
    void parsesWhatDnsjavaWrites(@ForAll("queries") Case c) throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(c.name()), c.type(), DClass.IN));
        if (c.edns()) {
            byte[] a = new byte[4];
            for (int i = 0; i < 4; i++) {
                int keep = Math.max(0, Math.min(8, c.prefix() - 8 * i)); // bits beyond the prefix are zero
                a[i] = (byte) (c.address()[i] & (0xFF00 >> keep));
            }
            q.addRecord(new OPTRecord(c.udpSize(), 0, 0, 0, List.of(new ClientSubnetOption(c.prefix(),
                    InetAddress.getByAddress(a)))), Section.ADDITIONAL);
        }
        ByteBuf in = Unpooled.wrappedBuffer(q.toWire());
        Query parsed = new Query();
        assertThat(QueryParser.parse(in, parsed)).isEqualTo(Query.Status.OK);
        assertThat(parsed.id).isEqualTo(q.getHeader().getID());
        assertThat(parsed.type).isEqualTo(c.type());
        byte[] expected = Name.fromString(c.name().toLowerCase(Locale.ROOT)).toWire();
        assertThat(Arrays.copyOf(parsed.name, parsed.nameLength)).isEqualTo(expected);
        assertThat(parsed.nameHash).isEqualTo(NameHash.of(expected, 0, expected.length));
        assertThat(parsed.edns).isEqualTo(c.edns());
        if (c.edns()) {
            assertThat(parsed.udpSize).isEqualTo(c.udpSize());
            assertThat(parsed.ecs).isTrue();
            assertThat(parsed.ecsSourcePrefix).isEqualTo(c.prefix());
            assertThat(parsed.ecsAddressLength).isEqualTo((c.prefix() + 7) / 8);
        }

        // A reply built for the lower-case name and written for this query is read back by
        // dnsjava with the question, and the owner compressed against it, exactly as asked.
        byte[] body = new MessageBuilder(expected, c.type(), true, Dns.RCODE_NOERROR)
                .answer(RecordData.raw(expected, Dns.TYPE_A, 60, new byte[] {(byte) 192, 0, 2, 1})).toBytes();
        ByteBuf out = Unpooled.buffer();
        boolean truncated = ReplyWriter.cached(out, body, parsed, 24, 1232, c.edns() ? c.udpSize() : 512);
        byte[] wire = new byte[out.readableBytes()];
        out.readBytes(wire);
        Message reply = new Message(wire);
        assertThat(truncated).isFalse();
        assertThat(reply.getHeader().getID()).isEqualTo(q.getHeader().getID());
        assertThat(reply.getQuestion().getName().toString()).isEqualTo(c.name());
        assertThat(reply.getQuestion().getType()).isEqualTo(c.type());
        assertThat(reply.getSection(Section.ANSWER)).hasSize(1);
        assertThat(reply.getSection(Section.ANSWER).getFirst().getName().toString()).isEqualTo(c.name());
        if (c.edns()) {
            ClientSubnetOption ecs = (ClientSubnetOption) reply.getOPT().getOptions().getFirst();
            assertThat(ecs.getSourcePrefixLength()).isEqualTo(c.prefix());
            assertThat(ecs.getScopePrefixLength()).isEqualTo(24);
        }
    }
}
