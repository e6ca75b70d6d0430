package dev.tern.testing;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * PROXY protocol headers as a load balancer sends them (HAProxy's proxy-protocol.txt), written out
 * byte by byte here so that tests do not check the server's decoder against itself.
 */
public final class ProxyHeaders {

    /** The v2 signature: "\r\n\r\n\0\r\nQUIT\n". */
    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private ProxyHeaders() {
    }

    /** {@code PROXY TCP4|TCP6 source destination sport dport\r\n}. */
    public static byte[] v1(String source, int sourcePort, String destination, int destinationPort) {
        String family = source.contains(":") ? "TCP6" : "TCP4";
        return ("PROXY " + family + " " + source + " " + destination + " " + sourcePort + " " + destinationPort + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** A v2 PROXY command over TCP, IPv4 or IPv6 after the source address, with optional TLVs. */
    public static byte[] v2(String source, int sourcePort, String destination, int destinationPort, byte[]... tlvs) {
        byte[] src = address(source);
        byte[] dst = address(destination);
        if (src.length != dst.length) {
            throw new IllegalArgumentException("source and destination of different families");
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(src);
        body.writeBytes(dst);
        writeShort(body, sourcePort);
        writeShort(body, destinationPort);
        for (byte[] tlv : tlvs) {
            body.writeBytes(tlv);
        }
        return v2(0x21, src.length == 4 ? 0x11 : 0x21, body.toByteArray());
    }

    /** A v2 LOCAL command (the balancer's own connection, a health check): no addresses. */
    public static byte[] v2Local() {
        return v2(0x20, 0x00, new byte[0]);
    }

    /** One TLV: type, 16-bit length, value. */
    public static byte[] tlv(int type, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type);
        writeShort(out, value.length);
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static byte[] v2(int versionAndCommand, int familyAndProtocol, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGNATURE);
        out.write(versionAndCommand);
        out.write(familyAndProtocol);
        writeShort(out, body.length);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static void writeShort(ByteArrayOutputStream out, int value) {
        out.write((value >> 8) & 0xff);
        out.write(value & 0xff);
    }

    private static byte[] address(String literal) {
        try {
            byte[] a = InetAddress.getByName(literal).getAddress();
            if (literal.contains(":") && a.length == 4) {
                throw new IllegalArgumentException("an IPv4-mapped address would be sent as IPv4: " + literal);
            }
            return a;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** Concatenates a header and what follows it, to send both in one write. */
    public static byte[] then(byte[] header, String text) {
        byte[] rest = text.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[header.length + rest.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(rest, 0, all, header.length, rest.length);
        return all;
    }
}
