// The libbpf side of `bpfring bench`: consumes a pinned ring buffer or perf buffer with
// libbpf's own ring_buffer__poll / perf_buffer__poll, counting samples into a shared counter
// file that the Java driver samples, exactly as it samples its own consumers.
//
// usage: libbpf_consumer rb|pb PINNED_MAP COUNTER_FILE [PAGES_PER_CPU WAKEUP_EVENTS]
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static uint64_t *shared;
static uint64_t count;

static void on_signal(int sig) { (void)sig; stop = 1; }

static int on_ring_sample(void *ctx, void *data, size_t size) {
	(void)ctx; (void)data; (void)size;
	__atomic_store_n(shared, ++count, __ATOMIC_RELAXED);
	return 0;
}

static enum bpf_perf_event_ret on_perf_event(void *ctx, int cpu, struct perf_event_header *event) {
	(void)ctx; (void)cpu;
	if (event->type == PERF_RECORD_SAMPLE)
		__atomic_store_n(shared, ++count, __ATOMIC_RELAXED);
	return LIBBPF_PERF_EVENT_CONT;
}

int main(int argc, char **argv) {
	if (argc < 4 || (strcmp(argv[1], "rb") && strcmp(argv[1], "pb")) || (!strcmp(argv[1], "pb") && argc < 6)) {
		fprintf(stderr, "usage: %s rb|pb PINNED_MAP COUNTER_FILE [PAGES_PER_CPU WAKEUP_EVENTS]\n", argv[0]);
		return 2;
	}
	int map_fd = bpf_obj_get(argv[2]);
	if (map_fd < 0) {
		fprintf(stderr, "bpf_obj_get(%s): %s\n", argv[2], strerror(errno));
		return 1;
	}
	int counter_fd = open(argv[3], O_RDWR);
	if (counter_fd < 0) {
		fprintf(stderr, "open(%s): %s\n", argv[3], strerror(errno));
		return 1;
	}
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED, counter_fd, 0);
	if (shared == MAP_FAILED) {
		fprintf(stderr, "mmap(%s): %s\n", argv[3], strerror(errno));
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	struct ring_buffer *rb = NULL;
	struct perf_buffer *pb = NULL;
	if (!strcmp(argv[1], "rb")) {
		rb = ring_buffer__new(map_fd, on_ring_sample, NULL, NULL);
		if (!rb) {
			fprintf(stderr, "ring_buffer__new: %s\n", strerror(errno));
			return 1;
		}
	} else {
		struct perf_event_attr attr = {
			.type = PERF_TYPE_SOFTWARE,
			.config = PERF_COUNT_SW_BPF_OUTPUT,
			.sample_type = PERF_SAMPLE_RAW,
			.sample_period = 1,
			.wakeup_events = atoi(argv[5]),
		};
		pb = perf_buffer__new_raw(map_fd, atoi(argv[4]), &attr, on_perf_event, NULL, NULL);
		if (!pb) {
			fprintf(stderr, "perf_buffer__new_raw: %s\n", strerror(errno));
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		int err = rb ? ring_buffer__poll(rb, 100) : perf_buffer__poll(pb, 100);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "poll: %s\n", strerror(-err));
			return 1;
		}
	}
	ring_buffer__free(rb);
	perf_buffer__free(pb);
	return 0;
}
