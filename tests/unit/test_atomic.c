/*
 * test_atomic.c: files that replace their path whole (common/atomic.c):
 * the mode the umask gives, on the unnamed (O_TMPFILE) path and on the
 * named fallback; only regular files replaced; symbolic links written
 * through; nothing left behind by a file that was never committed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "atomic.h"

typedef slant_status (*open_fn)(slant_atomic *, const char *, slant_error *);

static char dir[64];

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/slant-test-atomic-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    char p[sizeof dir + sizeof e->d_name + 1];
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            if (unlink(p) != 0)
                rmdir(p);
        }
    closedir(d);
    return rmdir(dir);
}

/* The number of entries in the test folder. */
static int entries(void)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static char *at(const char *name)
{
    static char p[4][256];
    static int i;
    i = (i + 1) % 4;
    snprintf(p[i], sizeof p[i], "%s/%s", dir, name);
    return p[i];
}

/* Writes TEXT to PATH through OPEN and commits it. */
static slant_status write_whole(open_fn open_it, const char *path, const char *text,
                                slant_error *err)
{
    slant_atomic a;
    slant_status st = open_it(&a, path, err);
    if (st)
        return st;
    size_t n = strlen(text);
    assert_int_equal(write(a.fd, text, n), (ssize_t)n);
    st = slant_atomic_commit(&a, err);
    close(a.fd);
    slant_atomic_abort(&a);
    return st;
}

static void read_back(const char *path, const char *want)
{
    char buf[256] = {0};
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    assert_int_equal(n, strlen(want));
    assert_string_equal(buf, want);
}

static mode_t mode_of(const char *path)
{
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    return sb.st_mode & 07777;
}

/* The umask decides the mode, for a new file and for a replaced one, and
 * the process's umask is what it was. */
static void check_modes(open_fn open_it, const char *name)
{
    const char *p = at(name);
    mode_t old = umask(027);
    slant_error err = {{0}};
    assert_int_equal(write_whole(open_it, p, "one", &err), SLANT_STATUS_OK);
    assert_int_equal(mode_of(p), 0640);
    umask(0);
    assert_int_equal(write_whole(open_it, p, "two", &err), SLANT_STATUS_OK);
    assert_int_equal(mode_of(p), 0666);
    read_back(p, "two");
    umask(077);
    assert_int_equal(write_whole(open_it, p, "three", &err), SLANT_STATUS_OK);
    assert_int_equal(mode_of(p), 0600);
    assert_int_equal(umask(old), 077);
    assert_int_equal(unlink(p), 0);
    assert_int_equal(entries(), 0);
}

static void test_mode_unnamed(void **state)
{
    (void)state;
    check_modes(slant_atomic_open, "unnamed.bin");
}

static void test_mode_named(void **state)
{
    (void)state;
    check_modes(slant_atomic_open_named, "named.bin");
}

/* Files opened and never committed leave nothing; many open at once in
 * one folder draw distinct names. */
static void test_abort_leaves_nothing(void **state)
{
    (void)state;
    slant_atomic a[40];
    slant_error err = {{0}};
    for (int i = 0; i < 40; i++) {
        assert_int_equal(slant_atomic_open_named(&a[i], at("x.bin"), &err), SLANT_STATUS_OK);
        assert_int_equal(write(a[i].fd, "x", 1), 1);
    }
    for (int i = 0; i < 40; i++)
        assert_int_equal(slant_atomic_ready(&a[i], &err), SLANT_STATUS_OK);
    assert_int_equal(entries(), 40);
    for (int i = 0; i < 40; i++) {
        close(a[i].fd);
        slant_atomic_abort(&a[i]);
    }
    assert_int_equal(entries(), 0);
    assert_int_equal(slant_output_check(at("y.bin"), &err), SLANT_STATUS_OK);
    assert_int_equal(entries(), 0);
}

/* Anything at the path but a regular file is refused, for either way of
 * opening, and stays what it was. */
static void test_refuses_what_is_not_a_file(void **state)
{
    (void)state;
    open_fn opens[2] = {slant_atomic_open, slant_atomic_open_named};
    assert_int_equal(mkfifo(at("fifo"), 0644), 0);
    assert_int_equal(mkdir(at("folder"), 0755), 0);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", at("sock"));
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
    const char *names[3] = {"fifo", "folder", "sock"}, *kinds[3] = {"a FIFO", "a folder",
                                                                    "a socket"};
    for (int o = 0; o < 2; o++)
        for (int k = 0; k < 3; k++) {
            slant_error err = {{0}};
            slant_atomic a;
            assert_int_equal(opens[o](&a, at(names[k]), &err), SLANT_STATUS_BAD_OPTION);
            assert_non_null(strstr(err.message, names[k]));
            assert_non_null(strstr(err.message, kinds[k]));
            assert_non_null(strstr(err.message, "leaves this one alone"));
            assert_int_equal(slant_output_check(at(names[k]), &err), SLANT_STATUS_BAD_OPTION);
        }
    close(s);
    struct stat sb;
    assert_int_equal(lstat(at("fifo"), &sb), 0);
    assert_true(S_ISFIFO(sb.st_mode));
    assert_int_equal(lstat(at("folder"), &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    assert_int_equal(lstat(at("sock"), &sb), 0);
    assert_true(S_ISSOCK(sb.st_mode));
    assert_int_equal(entries(), 3);
    slant_error err = {{0}};
    slant_atomic a;
    assert_int_equal(slant_atomic_open(&a, "/dev/null", &err), SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "a character device"));
}

/* A symbolic link is written through: the regular file it leads to gets
 * the new contents and the link stays a link.  A link to nothing, or to
 * something that is not a regular file, is refused. */
static void test_symlinks(void **state)
{
    (void)state;
    slant_error err = {{0}};
    assert_int_equal(write_whole(slant_atomic_open, at("target"), "old", &err), 0);
    assert_int_equal(symlink("target", at("link")), 0);
    assert_int_equal(symlink("link", at("link2")), 0);
    for (int named = 0; named < 2; named++) {
        open_fn open_it = named ? slant_atomic_open_named : slant_atomic_open;
        assert_int_equal(write_whole(open_it, at("link2"), named ? "named" : "new", &err), 0);
        struct stat sb;
        assert_int_equal(lstat(at("link"), &sb), 0);
        assert_true(S_ISLNK(sb.st_mode));
        assert_int_equal(lstat(at("link2"), &sb), 0);
        assert_true(S_ISLNK(sb.st_mode));
        read_back(at("target"), named ? "named" : "new");
    }
    assert_int_equal(entries(), 3);

    assert_int_equal(symlink("nothing", at("dangling")), 0);
    slant_atomic a;
    assert_int_equal(slant_atomic_open(&a, at("dangling"), &err), SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "a symbolic link to nothing"));
    assert_int_equal(symlink("/dev/null", at("devlink")), 0);
    assert_int_equal(slant_atomic_open(&a, at("devlink"), &err), SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "a symbolic link to /dev/null, not a regular file (a "
                                        "character device)"));
    assert_int_equal(mkdir(at("sub"), 0755), 0);
    assert_int_equal(symlink("sub", at("dirlink")), 0);
    assert_int_equal(slant_atomic_open(&a, at("dirlink"), &err), SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "(a folder)"));
    assert_int_equal(symlink("loop", at("loop")), 0);
    assert_int_equal(slant_atomic_open(&a, at("loop"), &err), SLANT_STATUS_BAD_OPTION);
    assert_non_null(strstr(err.message, "loop"));
    assert_int_equal(entries(), 8);
}

/* A missing folder is an I/O error naming the path, before anything is
 * written. */
static void test_missing_folder(void **state)
{
    (void)state;
    slant_error err = {{0}};
    assert_int_equal(slant_output_check(at("nowhere/x.bin"), &err), SLANT_STATUS_IO);
    assert_non_null(strstr(err.message, "nowhere/x.bin"));
    assert_non_null(strstr(err.message, strerror(ENOENT)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_mode_unnamed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mode_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_what_is_not_a_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symlinks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_folder, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
