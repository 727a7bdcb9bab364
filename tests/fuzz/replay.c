/*
 * replay: run a fuzz harness over files, as libFuzzer replays a crash:
 * make check runs each harness over its corpus and the crashes found
 * before (tests/fuzz/corpus/NAME).  Prints one line per file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
main(int argc, char *argv[])
{
	uint8_t *d = NULL, *nd;
	size_t n, cap = 0;
	FILE *fp;
	int i;

	for (i = 1; i < argc; i++) {
		if ((fp = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			return 66;
		}
		n = 0;
		for (;;) {
			if (n == cap) {
				cap = cap ? 2 * cap : 65536;
				if ((nd = realloc(d, cap)) == NULL) {
					fprintf(stderr, "out of memory\n");
					return 70;
				}
				d = nd;
			}
			n += fread(d + n, 1, cap - n, fp);
			if (n < cap)
				break;
		}
		if (ferror(fp)) {
			perror(argv[i]);
			return 74;
		}
		fclose(fp);
		LLVMFuzzerTestOneInput(d, n);
		printf("replayed %s (%zu bytes)\n", argv[i], n);
	}
	free(d);
	return 0;
}
