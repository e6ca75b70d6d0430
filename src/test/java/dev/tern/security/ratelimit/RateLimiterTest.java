package dev.tern.security.ratelimit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private RateLimiter<String> limiter(int permits, Duration window, int maxKeys) {
        return new RateLimiter<>(Rate.of(permits, window), maxKeys, now::get);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    private static int acquired(RateLimiter<String> limiter, String key, int attempts) {
        int n = 0;
        for (int i = 0; i < attempts; i++) {
            if (limiter.tryAcquire(key)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void theLimitTripsAfterThePermitsOfAWindow() {
        RateLimiter<String> limiter = limiter(30, Duration.ofMinutes(1), 1000);

        assertThat(acquired(limiter, "192.0.2.1", 30)).isEqualTo(30);
        assertThat(limiter.tryAcquire("192.0.2.1")).isFalse();
        assertThat(limiter.retryAfter("192.0.2.1")).isEqualTo(Duration.ofSeconds(2));
        assertThat(limiter.retryAfter("192.0.2.2")).isZero();
    }

    @Test
    void permitsComeBackOverTheWindowAndAllOfThemAfterIt() {
        RateLimiter<String> limiter = limiter(30, Duration.ofMinutes(1), 1000);
        acquired(limiter, "k", 30);

        advance(Duration.ofSeconds(2));
        assertThat(acquired(limiter, "k", 5)).as("one permit per window / permits").isEqualTo(1);

        advance(Duration.ofMinutes(1));
        assertThat(acquired(limiter, "k", 40)).isEqualTo(30);
        advance(Duration.ofSeconds(59));
        assertThat(limiter.tryAcquire("k", 30)).as("not all of it before a whole window").isFalse();
        advance(Duration.ofSeconds(1));
        assertThat(limiter.tryAcquire("k", 30)).isTrue();
    }

    @Test
    void aRefusedRequestTakesNothing() {
        RateLimiter<String> limiter = limiter(10, Duration.ofSeconds(10), 1000);
        assertThat(limiter.tryAcquire("k", 8)).isTrue();

        assertThat(limiter.tryAcquire("k", 3)).isFalse();
        assertThat(limiter.tryAcquire("k", 2)).isTrue();
        assertThat(limiter.tryAcquire("other", 11)).as("more than a window allows").isFalse();
        assertThatThrownBy(() -> limiter.tryAcquire("k", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysAreIndependent() {
        RateLimiter<String> limiter = limiter(3, Duration.ofMinutes(1), 1000);

        assertThat(acquired(limiter, "a", 5)).isEqualTo(3);
        assertThat(acquired(limiter, "b", 5)).isEqualTo(3);
        assertThat(acquired(limiter, "c", 1)).isEqualTo(1);
        assertThat(limiter.tryAcquire("a")).isFalse();
    }

    @Test
    void trackedKeysAreBoundedAndTheLeastRecentlyUsedGoFirst() {
        RateLimiter<String> limiter = limiter(2, Duration.ofHours(1), 160);
        acquired(limiter, "busy", 2);

        for (int i = 0; i < 5000; i++) {
            limiter.tryAcquire("key" + i);
            if (i % 5 == 0) {
                assertThat(limiter.tryAcquire("busy")).isFalse(); // keeps it recently used
            }
        }

        assertThat(limiter.trackedKeys()).isLessThanOrEqualTo(160).isGreaterThan(100);
        assertThat(limiter.tryAcquire("busy")).as("its usage is still known").isFalse();
        assertThat(limiter.tryAcquire("key0")).as("evicted long ago, so it starts afresh").isTrue();
    }

    @Test
    void idleKeysAreDropped() {
        RateLimiter<String> limiter = limiter(5, Duration.ofMinutes(1), 1000);
        for (int i = 0; i < 100; i++) {
            limiter.tryAcquire("key" + i);
        }
        limiter.tryAcquire("key0");
        assertThat(limiter.trackedKeys()).isEqualTo(100);

        advance(Duration.ofSeconds(12));
        limiter.removeIdle();
        assertThat(limiter.trackedKeys()).as("a key idle for window / permits is back to full").isEqualTo(1);
        advance(Duration.ofSeconds(12));
        limiter.removeIdle();
        assertThat(limiter.trackedKeys()).isZero();
    }

    @Test
    void callsDropIdleKeysAsTheyGo() {
        // 0, 16, 32, 48: hash codes that land in the same segment.
        RateLimiter<Integer> limiter = new RateLimiter<>(Rate.of(5, Duration.ofMinutes(1)), 1000, now::get);
        limiter.tryAcquire(0);
        limiter.tryAcquire(16);
        limiter.tryAcquire(32);
        advance(Duration.ofSeconds(12));

        limiter.tryAcquire(48);

        assertThat(limiter.trackedKeys()).isEqualTo(1);
    }

    @Test
    void concurrentCallersGetExactlyThePermitsOfTheWindow() throws Exception {
        RateLimiter<String> limiter = limiter(500, Duration.ofMinutes(1), 1000);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Callable<Integer> task = () -> {
                    start.await();
                    int n = 0;
                    for (int i = 0; i < 1000; i++) {
                        if (limiter.tryAcquire("shared")) {
                            n++;
                        }
                        limiter.tryAcquire("own" + Thread.currentThread().getId() + "-" + (i % 50));
                    }
                    return n;
                };
                results.add(pool.submit(task));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> f : results) {
                total += f.get();
            }
            assertThat(total).isEqualTo(500);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void ratesAreValidated() {
        assertThatThrownBy(() -> Rate.of(0, Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rate.of(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimiter<String>(Rate.of(1, Duration.ofSeconds(1)), 0, System::nanoTime))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Rate.of(30, Duration.ofMinutes(1))).hasToString("30/PT1M");
    }
}
