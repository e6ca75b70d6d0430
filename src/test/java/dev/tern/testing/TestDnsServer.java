package dev.tern.testing;

import dev.tern.config.DnsSettings;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An authoritative DNS server for tests, on 127.0.0.1 with one ephemeral port for UDP and TCP.
 * It holds a single zone at the root, so any name can be given records:
 *
 * <pre>{@code
 * try (TestDnsServer dns = TestDnsServer.start()) {
 *     dns.mx("b.test", 10, "mx.b.test").a("mx.b.test", "127.0.0.3");
 *     DnsResolver resolver = new DnsResolver(dns.settings());
 * }
 * }</pre>
 *
 * <p>Unknown names answer NXDOMAIN, known names without the asked type NODATA, both with an SOA
 * whose negative TTL is the current {@link #ttl(long) TTL}. A name can be made to answer SERVFAIL
 * (or any other code) or to never answer. UDP answers larger than 512 bytes, or than the
 * client's EDNS size, are truncated with TC set, so clients retry over TCP.
 *
 * <p>It can also play a validating recursive resolver: names under a zone made {@link #signed}
 * are answered with the AD bit when the query asks for it (the AD or DO bit, RFC 6840 §5.7), as
 * if their signatures had been checked. Nothing is actually signed.
 */
public final class TestDnsServer implements AutoCloseable {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int PLAIN_UDP_LIMIT = 512;
    private static final int MAX_CNAME_HOPS = 16;
    private static final Name MNAME = name("ns.test");
    private static final Name RNAME = name("hostmaster.test");

    private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
    private final Map<Name, Integer> failures = new ConcurrentHashMap<>();
    private final Set<Name> unresponsive = ConcurrentHashMap.newKeySet();
    private final Set<Name> signedZones = ConcurrentHashMap.newKeySet();
    private final Set<String> unresponsiveTypes = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();
    private final AtomicInteger tcpQueries = new AtomicInteger();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private volatile long ttl = 300;

    private final ServerSocket tcp;
    private final DatagramSocket udp;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-dns");
        t.setDaemon(true);
        return t;
    });

    private TestDnsServer(ServerSocket tcp, DatagramSocket udp) {
        this.tcp = tcp;
        this.udp = udp;
        threads.execute(this::serveUdp);
        threads.execute(this::acceptTcp);
    }

    public static TestDnsServer start() {
        // The TCP port is free now; the same UDP port almost always is too. Retry when it is not.
        for (int attempt = 0; ; attempt++) {
            ServerSocket tcp = null;
            try {
                tcp = new ServerSocket(0, 50, LOOPBACK);
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, tcp.getLocalPort()));
                return new TestDnsServer(tcp, udp);
            } catch (BindException e) {
                closeQuietly(tcp);
                if (attempt == 20) {
                    throw new IllegalStateException("no port free for both UDP and TCP", e);
                }
            } catch (IOException e) {
                closeQuietly(tcp);
                throw new IllegalStateException(e);
            }
        }
    }

    public InetSocketAddress nameserver() {
        return new InetSocketAddress(LOOPBACK, tcp.getLocalPort());
    }

    /** Settings that point a resolver at this server, with a timeout that suits tests. */
    public DnsSettings settings() {
        return settings(Duration.ofSeconds(2));
    }

    public DnsSettings settings(Duration timeout) {
        return new DnsSettings(List.of(nameserver()), timeout);
    }

    /** The TTL of records added from now on, and of negative answers (default 300 seconds). */
    public TestDnsServer ttl(long seconds) {
        this.ttl = seconds;
        return this;
    }

    public TestDnsServer mx(String domain, int preference, String exchange) {
        return add(new MXRecord(name(domain), DClass.IN, ttl, preference, name(exchange)));
    }

    /** RFC 7505: "this domain accepts no mail". */
    public TestDnsServer nullMx(String domain) {
        return add(new MXRecord(name(domain), DClass.IN, ttl, 0, Name.root));
    }

    public TestDnsServer a(String host, String... addresses) {
        for (String address : addresses) {
            add(new ARecord(name(host), DClass.IN, ttl, address(address)));
        }
        return this;
    }

    public TestDnsServer aaaa(String host, String... addresses) {
        for (String address : addresses) {
            add(new AAAARecord(name(host), DClass.IN, ttl, address(address)));
        }
        return this;
    }

    /** One TXT record; text longer than 255 bytes is split into several character-strings. */
    public TestDnsServer txt(String name, String text) {
        return add(new TXTRecord(name(name), DClass.IN, ttl, characterStrings(text)));
    }

    /** PTR records for an address literal, under in-addr.arpa or ip6.arpa. */
    public TestDnsServer ptr(String address, String... hostnames) {
        for (String hostname : hostnames) {
            add(new PTRRecord(ReverseMap.fromAddress(address(address)), DClass.IN, ttl, name(hostname)));
        }
        return this;
    }

    public TestDnsServer cname(String alias, String target) {
        return add(new CNAMERecord(name(alias), DClass.IN, ttl, name(target)));
    }

    /** A PTR record at a reverse name given as such, e.g. "4.3.2.1.in-addr.arpa". */
    public TestDnsServer ptrAt(String name, String target) {
        return add(new PTRRecord(name(name), DClass.IN, ttl, name(target)));
    }

    /** A TLSA record (RFC 6698), e.g. at "_25._tcp.mx.b.test". */
    public TestDnsServer tlsa(String name, int usage, int selector, int matchingType, byte[] data) {
        return add(new TLSARecord(name(name), DClass.IN, ttl, usage, selector, matchingType, data));
    }

    /**
     * Answers for {@code zone} and the names below it count as DNSSEC-validated: they carry the AD
     * bit when the query asks for it. An answer that involves a name of an unsigned zone (a
     * CNAME into one) does not.
     */
    public TestDnsServer signed(String zone) {
        signedZones.add(name(zone));
        return this;
    }

    /** Any other record. */
    public TestDnsServer add(Record record) {
        records.computeIfAbsent(record.getName(), n -> new CopyOnWriteArrayList<>()).add(record);
        return this;
    }

    /** Forgets a name's records and misbehaviour: it answers NXDOMAIN from now on. */
    public TestDnsServer remove(String name) {
        records.remove(name(name));
        failures.remove(name(name));
        unresponsive.remove(name(name));
        String prefix = name(name).toString(true).toLowerCase(Locale.ROOT) + "/";
        unresponsiveTypes.removeIf(k -> k.startsWith(prefix));
        return this;
    }

    public TestDnsServer servfail(String name) {
        return fail(name, Rcode.SERVFAIL);
    }

    /** Every query for the name gets this response code (an {@link Rcode} constant) and no records. */
    public TestDnsServer fail(String name, int rcode) {
        failures.put(name(name), rcode);
        return this;
    }

    /** Queries for the name are never answered: the client times out. */
    public TestDnsServer unresponsive(String name) {
        unresponsive.add(name(name));
        return this;
    }

    /** Queries for the name and this {@link Type} are never answered; other types are answered as usual. */
    public TestDnsServer unresponsive(String name, int type) {
        unresponsiveTypes.add(key(name(name), type));
        return this;
    }

    /** Queries received for a name, of every type, over UDP and TCP. */
    public int queries(String name) {
        String prefix = name(name).toString(true).toLowerCase(Locale.ROOT) + "/";
        return queries.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToInt(e -> e.getValue().get()).sum();
    }

    /** Queries received for a name and a {@link Type}. */
    public int queries(String name, int type) {
        AtomicInteger n = queries.get(key(name(name), type));
        return n == null ? 0 : n.get();
    }

    /** Queries received over TCP, for every name. */
    public int tcpQueries() {
        return tcpQueries.get();
    }

    @Override
    public void close() {
        closeQuietly(tcp);
        udp.close();
        connections.forEach(TestDnsServer::closeQuietly);
        threads.shutdownNow();
    }

    /** The response to a query, or null to stay silent. */
    private Message respond(Message query) {
        Record question = query.getQuestion();
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        if (question == null) {
            response.getHeader().setRcode(Rcode.FORMERR);
            return response;
        }
        response.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        response.addRecord(question, Section.QUESTION);
        if (query.getOPT() != null) {
            response.addRecord(new OPTRecord(query.getOPT().getPayloadSize(), 0, 0), Section.ADDITIONAL);
        }
        Name name = question.getName();
        int type = question.getType();
        queries.computeIfAbsent(key(name, type), k -> new AtomicInteger()).incrementAndGet();
        if (unresponsive.contains(name) || unresponsiveTypes.contains(key(name, type))) {
            return null;
        }
        Integer rcode = failures.get(name);
        if (rcode != null) {
            response.getHeader().setRcode(rcode);
            return response;
        }
        boolean validationAsked = query.getHeader().getFlag(Flags.AD)
                || (query.getOPT() != null && (query.getOPT().getFlags() & ExtendedFlags.DO) != 0);
        // Follow CNAMEs inside our data, as an authoritative server for every zone would.
        Name current = name;
        boolean secure = validationAsked && isSigned(name);
        for (int hop = 0; hop < MAX_CNAME_HOPS; hop++) {
            List<Record> owned = records.getOrDefault(current, List.of());
            List<Record> matching = owned.stream().filter(r -> r.getType() == type || type == Type.ANY).toList();
            secure = secure && isSigned(current);
            if (!matching.isEmpty()) {
                matching.forEach(r -> response.addRecord(r, Section.ANSWER));
                if (secure) {
                    response.getHeader().setFlag(Flags.AD);
                }
                return response;
            }
            Record cname = owned.stream().filter(r -> r.getType() == Type.CNAME).findFirst().orElse(null);
            if (cname == null) {
                break;
            }
            response.addRecord(cname, Section.ANSWER);
            current = ((CNAMERecord) cname).getTarget();
        }
        if (secure && isSigned(current)) {
            response.getHeader().setFlag(Flags.AD);
        }
        if (response.getSection(Section.ANSWER).isEmpty()) {
            response.getHeader().setRcode(exists(current) ? Rcode.NOERROR : Rcode.NXDOMAIN);
            // The SOA makes the negative answer cacheable (RFC 2308 §5).
            response.addRecord(new SOARecord(Name.root, DClass.IN, ttl, MNAME, RNAME, 1, 3600, 600, 86400, ttl),
                    Section.AUTHORITY);
        }
        return response;
    }

    private boolean isSigned(Name name) {
        for (Name zone : signedZones) {
            if (name.subdomain(zone)) {
                return true;
            }
        }
        return false;
    }

    /** A name exists if it owns records or has names below it (an "empty non-terminal"). */
    private boolean exists(Name name) {
        return records.keySet().stream().anyMatch(owner -> owner.subdomain(name));
    }

    private void serveUdp() {
        byte[] buffer = new byte[65535];
        while (!udp.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                udp.receive(packet);
                Message query = new Message(Arrays.copyOf(packet.getData(), packet.getLength()));
                Message response = respond(query);
                if (response != null) {
                    int limit = query.getOPT() == null
                            ? PLAIN_UDP_LIMIT : Math.max(PLAIN_UDP_LIMIT, query.getOPT().getPayloadSize());
                    byte[] wire = response.toWire(limit); // sets TC when it had to leave records out
                    udp.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
                }
            } catch (IOException e) {
                // A malformed query, or the socket closed: the loop condition decides.
            }
        }
    }

    private void acceptTcp() {
        while (!tcp.isClosed()) {
            try {
                Socket socket = tcp.accept();
                connections.add(socket);
                threads.execute(() -> serveTcp(socket));
            } catch (IOException e) {
                // Closed.
            }
        }
    }

    /** RFC 7766: each message preceded by its length in two bytes; several per connection. */
    private void serveTcp(Socket socket) {
        try (socket) {
            socket.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            while (true) {
                byte[] wire = new byte[in.readUnsignedShort()];
                in.readFully(wire);
                tcpQueries.incrementAndGet();
                Message response = respond(new Message(wire));
                if (response != null) {
                    byte[] answer = response.toWire();
                    out.writeShort(answer.length);
                    out.write(answer);
                    out.flush();
                }
            }
        } catch (EOFException e) {
            // The client is done.
        } catch (IOException e) {
            // Malformed, timed out or closed: drop the connection.
        } finally {
            connections.remove(socket);
        }
    }

    /** Up to 255 bytes each (RFC 1035 §3.3), escaped as dnsjava's text form wants. */
    private static List<String> characterStrings(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<String> strings = new ArrayList<>();
        for (int start = 0; start == 0 || start < bytes.length; start += 255) {
            StringBuilder s = new StringBuilder();
            for (int i = start; i < Math.min(bytes.length, start + 255); i++) {
                int b = bytes[i] & 0xff;
                s.append(b >= 0x20 && b < 0x7f && b != '\\' ? String.valueOf((char) b) : String.format("\\%03d", b));
            }
            strings.add(s.toString());
        }
        return strings;
    }

    private static String key(Name name, int type) {
        return name.toString(true).toLowerCase(Locale.ROOT) + "/" + Type.string(type);
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private static void closeQuietly(Closeable socket) {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException ignored) {
            // Nothing to do.
        }
    }
}
