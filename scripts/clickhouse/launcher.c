/*
 * Runs a ClickHouse server from chDB's libchdb.so in a process of its own:
 *
 *   clickhouse-launcher /path/to/libchdb.so [clickhouse-local options...]
 *
 * scripts/clickhouse-local.sh passes options whose query starts the HTTP listener and then never
 * ends, so this process serves ClickHouse until it is killed. The engine gets its own process
 * because it installs its own signal handlers.
 *
 * Any return from the engine therefore means the server stopped: the exit status is 1, or 2 when
 * the library cannot be loaded. query_stable_v2 fills error_message only for failures before
 * the query runs (bad options, missing path); errors of the statements themselves (port in use,
 * data directory locked by another server) are printed by the engine to stderr.
 */
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* As declared in chdb.h (chDB 26.x). */
struct local_result_v2 {
    char *buf;
    size_t len;
    void *_vec;
    double elapsed;
    uint64_t rows_read;
    uint64_t bytes_read;
    char *error_message;
};

typedef struct local_result_v2 *(*query_fn)(int argc, char **argv);
typedef void (*free_fn)(struct local_result_v2 *result);

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s /path/to/libchdb.so [clickhouse-local options...]\n", argv[0]);
        return 2;
    }

    /* RTLD_NOW: a truncated or foreign library fails here, with dlerror's reason. */
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        fprintf(stderr, "clickhouse-launcher: cannot load %s: %s\n", argv[1], dlerror());
        return 2;
    }
    query_fn query = (query_fn) dlsym(lib, "query_stable_v2");
    if (query == NULL) {
        fprintf(stderr, "clickhouse-launcher: no query_stable_v2 in %s: %s\n", argv[1], dlerror());
        return 2;
    }
    free_fn free_result = (free_fn) dlsym(lib, "free_result_v2");

    /*
     * The engine parses argv like a main(): argv[0] is skipped as the program name. Without one,
     * the first option is silently dropped - with --path first, data would go to a temporary
     * directory that is deleted on exit.
     */
    int engine_argc = argc - 1;
    char **engine_argv = calloc((size_t) engine_argc + 1, sizeof(char *));
    if (engine_argv == NULL) {
        fprintf(stderr, "clickhouse-launcher: out of memory\n");
        return 2;
    }
    engine_argv[0] = "clickhouse";
    for (int i = 2; i < argc; i++) {
        engine_argv[i - 1] = argv[i];
    }

    struct local_result_v2 *result = query(engine_argc, engine_argv);
    if (result == NULL) {
        fprintf(stderr, "clickhouse-launcher: ClickHouse stopped (query_stable_v2 returned no result)\n");
    } else if (result->error_message != NULL && result->error_message[0] != '\0') {
        fprintf(stderr, "clickhouse-launcher: ClickHouse failed: %s\n", result->error_message);
    } else {
        if (result->buf != NULL && result->len > 0) {
            fwrite(result->buf, 1, result->len, stdout);
            fflush(stdout);
        }
        fprintf(stderr, "clickhouse-launcher: ClickHouse stopped: its query ended "
                        "(the engine's error, if any, is printed above)\n");
    }
    if (result != NULL && free_result != NULL) {
        free_result(result);
    }
    free(engine_argv);
    return 1;
}
