package io.fulcrum.core.balance;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class HashingTest {

    @Test
    void equalInputsHashEqualAndStringBuildersMatchStrings() {
        assertThat(Hashing.hash("session-42")).isEqualTo(Hashing.hash(new StringBuilder("session-").append(42)));
        assertThat(Hashing.hash(new byte[] {10, 0, 0, 1})).isEqualTo(Hashing.hash(new byte[] {10, 0, 0, 1}));
        assertThat(Hashing.hash(new byte[] {9, 1, 2, 3, 10, 0, 0, 1}, 4, 4)).isEqualTo(Hashing.hash(new byte[] {10, 0, 0, 1}));
    }

    @Test
    void noCollisionsOverManySmallInputs() {
        Set<Long> ips = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            byte[] ip = {(byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
            assertThat(ips.add(Hashing.hash(ip))).isTrue();
        }
        Set<Long> zeros = new HashSet<>();
        Set<Long> strings = new HashSet<>();
        for (int len = 0; len < 40; len++) {
            assertThat(zeros.add(Hashing.hash(new byte[len]))).as("zeros of length %d", len).isTrue();
            assertThat(strings.add(Hashing.hash("x".repeat(len)))).as("string of length %d", len).isTrue();
        }
        Set<Long> keys = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            assertThat(keys.add(Hashing.hash("session-" + i))).isTrue();
        }
    }

    @Test
    void everyInputBitAffectsAboutHalfTheOutputBits() {
        Random rnd = new Random(11);
        long flips = 0;
        int trials = 0;
        for (int t = 0; t < 2000; t++) {
            byte[] ip = new byte[16];
            rnd.nextBytes(ip);
            long h = Hashing.hash(ip);
            int bit = rnd.nextInt(128);
            ip[bit / 8] ^= (byte) (1 << (bit % 8));
            flips += Long.bitCount(h ^ Hashing.hash(ip));
            trials++;
        }
        assertThat((double) flips / trials).isBetween(30.0, 34.0);
    }

    @Test
    void bucketsAreUniform() {
        int n = 37;
        int[] counts = new int[n];
        for (int i = 0; i < 370_000; i++) {
            counts[Hashing.bucket(Hashing.hash(("key" + i).getBytes(StandardCharsets.UTF_8)), n)]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(10_000 - 600, 10_000 + 600);
        }
        assertThat(Hashing.bucket(-1L, 10L)).isEqualTo(9L);
        assertThat(Hashing.bucket(-1L, 10)).isEqualTo(9);
    }
}
