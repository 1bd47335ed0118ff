package io.synod.transport;

import com.google.protobuf.MessageLite;
import com.google.protobuf.UnknownFieldSet;
import io.synod.core.codec.MessageCodec;
import io.synod.core.codec.proto.Envelope;
import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.Message;
import io.synod.transport.proto.Hello;
import io.synod.transport.proto.HelloReply;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A hand-driven client on a plain socket, for writing exactly the bytes a test wants (valid
 * handshakes, bad frames, garbage) to a live node, and the frames those tests build.
 */
final class RawPeer implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
    }

    static RawPeer connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, 5_000);
        socket.setSoTimeout(5_000);
        socket.setTcpNoDelay(true);
        return new RawPeer(socket);
    }

    /** Writes {@code bytes}; false if the node had already closed the connection. */
    boolean write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends a valid hello as node {@code from} to {@code to} and returns the node's reply. */
    HelloReply handshake(int from, int to) throws IOException {
        write(frame(hello(from, to)));
        return readReply();
    }

    HelloReply readReply() throws IOException {
        int length = in.readInt();
        byte[] body = new byte[length];
        in.readFully(body);
        return HelloReply.parseFrom(body);
    }

    /** True once the node closes the connection (EOF or reset) within {@code timeout}. */
    boolean awaitClosedByNode(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        socket.setSoTimeout(50);
        byte[] sink = new byte[4096];
        while (System.nanoTime() < deadline) {
            try {
                if (in.read(sink) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                // still open: poll again
            } catch (IOException e) {
                return true; // reset
            }
        }
        return false;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test socket
        }
    }

    static Hello hello(int from, int to) {
        return Hello.newBuilder().setMagic(Handshake.MAGIC).setProtocolVersion(Handshake.PROTOCOL_VERSION)
                .setClusterId(TestNodes.CLUSTER).setNodeId(from).setTargetNodeId(to).build();
    }

    static byte[] frame(MessageLite message) {
        return frame(message.toByteArray());
    }

    static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    static byte[] lengthPrefix(int length) {
        return ByteBuffer.allocate(4).putInt(length).array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            bytes.writeBytes(part);
        }
        return bytes.toByteArray();
    }

    static Message.Heartbeat heartbeat(int from, int to, long commitUpTo) {
        return new Message.Heartbeat(7, from, to, new Ballot(1, from), commitUpTo, 0);
    }

    static byte[] envelopeFrame(Message message) {
        return frame(MessageCodec.toBytes(message));
    }

    /** An envelope whose body is a message kind this release does not know (field 99). */
    static byte[] unknownKindFrame(int from, int to) {
        UnknownFieldSet unknown = UnknownFieldSet.newBuilder()
                .addField(99, UnknownFieldSet.Field.newBuilder().addLengthDelimited(com.google.protobuf.ByteString.copyFromUtf8("future")).build())
                .build();
        return frame(Envelope.newBuilder().setGroupId(7).setFrom(from).setTo(to).setUnknownFields(unknown).build());
    }

    /** An envelope with no body at all. */
    static byte[] emptyBodyFrame(int from, int to) {
        return frame(Envelope.newBuilder().setGroupId(7).setFrom(from).setTo(to).build());
    }
}
