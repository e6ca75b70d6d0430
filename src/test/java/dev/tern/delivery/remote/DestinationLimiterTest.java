package dev.tern.delivery.remote;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class DestinationLimiterTest {

    @Test
    void aBusyDestinationDoesNotHoldBackOthers() {
        DestinationLimiter limiter = new DestinationLimiter(3, 2);
        var a1 = limiter.acquire("slow.example").join();
        var a2 = limiter.acquire("slow.example").join();
        CompletableFuture<DestinationLimiter.Permit> a3 = limiter.acquire("slow.example");
        assertThat(a3).isNotDone();
        assertThat(limiter.waiting("slow.example")).isEqualTo(1);
        var b1 = limiter.acquire("fast.example");
        assertThat(b1).isDone();                       // third of three in total
        CompletableFuture<DestinationLimiter.Permit> b2 = limiter.acquire("fast.example");
        assertThat(b2).isNotDone();                    // the total is reached
        b1.join().close();
        assertThat(b2).isDone();                       // slow.example's waiter cannot take it: at its own limit
        assertThat(a3).isNotDone();
        a1.close();
        assertThat(a3).isDone();
        a1.close();                                    // twice: no effect
        b2.join().close();
        a2.close();
        a3.join().close();
        assertThat(limiter.acquire("x").isDone()).isTrue();
    }
}
