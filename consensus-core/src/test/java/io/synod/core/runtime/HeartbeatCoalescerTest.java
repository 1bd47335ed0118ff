package io.synod.core.runtime;

import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.Message;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HeartbeatCoalescerTest {
    private final RecordingTransport transport = new RecordingTransport();
    private final List<Message> sent = transport.sent;
    private final HeartbeatCoalescer coalescer = new HeartbeatCoalescer(transport);
    private final Ballot ballot = new Ballot(3, 1);

    @Test
    void onlyTheLastHeartbeatOfAGroupToAPeerInOnePassIsSent() {
        coalescer.add(new Message.Heartbeat(7, 1, 2, ballot, 10, 4));
        coalescer.add(new Message.Heartbeat(7, 1, 2, ballot, 11, 4));
        coalescer.add(new Message.Heartbeat(7, 1, 2, ballot, 12, 5));
        coalescer.add(new Message.Heartbeat(7, 1, 3, ballot, 12, 5));
        coalescer.flush();
        assertEquals(List.of(new Message.Heartbeat(7, 1, 2, ballot, 12, 5), new Message.Heartbeat(7, 1, 3, ballot, 12, 5)),
                sent);
        assertEquals(2, coalescer.superseded());
    }

    @Test
    void groupsAndKindsStayApartInOneBatchPerPeer() {
        Message heartbeat7 = new Message.Heartbeat(7, 1, 2, ballot, 10, 4);
        Message reply7 = new Message.HeartbeatReply(7, 1, 2, ballot, 9, 9, 2);
        Message heartbeat8 = new Message.Heartbeat(8, 1, 2, ballot, 3, 1);
        Message laterReply7 = new Message.HeartbeatReply(7, 1, 2, ballot, 10, 10, 3);
        coalescer.add(heartbeat7);
        coalescer.add(reply7);
        coalescer.add(heartbeat8);
        coalescer.add(laterReply7);
        coalescer.flush();
        assertEquals(List.of(new Message.Batch(0, 1, 2, List.of(heartbeat7, laterReply7, heartbeat8))), sent);
        sent.clear();
        coalescer.flush();
        assertEquals(List.of(), sent, "a flush sends each message once");
    }
}
