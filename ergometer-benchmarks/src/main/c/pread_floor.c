/*
 * pread_floor: the floor under PowercapSource.read(long[]), what C pays for the same work.
 *
 * Opens the 8 energy_uj files of a two-socket powercap tree once (ROOT/class/powercap/intel-rapl:S and
 * intel-rapl:S:N for S in 0..1, N in 0..2), then in a timed loop preads each from offset 0 into a 64-byte buffer and
 * parses the decimal number exactly as NativeFile.readDecimal does (digits up to a newline, space or NUL; at most 19
 * digits; anything else is an error). One "round" is the 8 preads and parses: one read of all 8 domains.
 *
 * Timing: CLOCK_MONOTONIC, a 1 s warm-up, then 5 repetitions of SECONDS (default 2) each; prints ns per round of
 * every repetition, then "min X median Y" in ns per round. The clock is read every 256 rounds, not every round.
 *
 *   gcc -O2 -o pread_floor ergometer-benchmarks/src/main/c/pread_floor.c
 *   ./pread_floor /tmp/erg-tree [SECONDS]
 *
 * ergometer-benchmarks/run-read-floor.sh builds it, makes the tree and runs it beside the JMH benchmark.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FILES 8
#define BUFFER_BYTES 64
#define REPETITIONS 5
#define ROUNDS_PER_CLOCK_READ 256

static int fds[FILES];
static char paths[FILES][4096];
static char buffer[BUFFER_BYTES];
static volatile uint64_t sink;

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec * 1e-9;
}

static void fail(const char *path, const char *what) {
    fprintf(stderr, "pread_floor: %s: %s\n", path, what);
    exit(1);
}

/* pread from offset 0 and parse a non-negative decimal, like NativeFile.readDecimal. */
static int64_t read_decimal(int i) {
    ssize_t n;
    do {
        n = pread(fds[i], buffer, BUFFER_BYTES - 1, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        fail(paths[i], strerror(errno));
    }
    int64_t value = 0;
    int digits = 0;
    for (ssize_t k = 0; k < n; k++) {
        char b = buffer[k];
        if (b >= '0' && b <= '9') {
            if (digits == 19) {
                fail(paths[i], "holds a number too large for 64 bits");
            }
            value = value * 10 + (b - '0');
            digits++;
        } else if (b == '\n' || b == ' ' || b == 0) {
            break;
        } else {
            fail(paths[i], "does not hold a non-negative integer");
        }
    }
    if (digits == 0) {
        fail(paths[i], "is empty; expected a non-negative integer");
    }
    return value;
}

static uint64_t round_of_reads(void) {
    uint64_t sum = 0;
    for (int i = 0; i < FILES; i++) {
        sum += (uint64_t) read_decimal(i);
    }
    return sum;
}

/* Runs rounds for about `seconds`; returns ns per round. */
static double timed_rounds(double seconds) {
    uint64_t rounds = 0, sum = 0;
    double start = now_seconds(), end = start + seconds, t;
    do {
        for (int r = 0; r < ROUNDS_PER_CLOCK_READ; r++) {
            sum += round_of_reads();
        }
        rounds += ROUNDS_PER_CLOCK_READ;
        t = now_seconds();
    } while (t < end);
    sink = sum;
    return (t - start) * 1e9 / (double) rounds;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: pread_floor SYSFS_ROOT [SECONDS_PER_REPETITION]\n"
                "  reads SYSFS_ROOT/class/powercap/intel-rapl:{0,1}{,:0,:1,:2}/energy_uj\n");
        return 2;
    }
    double seconds = argc == 3 ? atof(argv[2]) : 2.0;
    if (!(seconds > 0)) {
        fprintf(stderr, "pread_floor: SECONDS_PER_REPETITION must be > 0, got '%s'\n", argv[2]);
        return 2;
    }
    for (int s = 0, i = 0; s < 2; s++) {
        for (int z = -1; z < 3; z++, i++) {
            int len = z < 0
                    ? snprintf(paths[i], sizeof paths[i], "%s/class/powercap/intel-rapl:%d/energy_uj", argv[1], s)
                    : snprintf(paths[i], sizeof paths[i], "%s/class/powercap/intel-rapl:%d:%d/energy_uj",
                            argv[1], s, z);
            if (len >= (int) sizeof paths[i]) {
                fail(argv[1], "path too long");
            }
            fds[i] = open(paths[i], O_RDONLY | O_CLOEXEC);
            if (fds[i] < 0) {
                fail(paths[i], strerror(errno));
            }
        }
    }
    printf("values:");
    for (int i = 0; i < FILES; i++) {
        printf(" %lld", (long long) read_decimal(i));
    }
    printf("\n");

    timed_rounds(seconds < 1.0 ? seconds : 1.0);
    double ns[REPETITIONS];
    for (int r = 0; r < REPETITIONS; r++) {
        ns[r] = timed_rounds(seconds);
        printf("repetition %d: %.1f ns per round of %d reads\n", r + 1, ns[r], FILES);
    }
    qsort(ns, REPETITIONS, sizeof ns[0], by_value);
    printf("min %.1f median %.1f\n", ns[0], ns[REPETITIONS / 2]);
    for (int i = 0; i < FILES; i++) {
        close(fds[i]);
    }
    return 0;
}
