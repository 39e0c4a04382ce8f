/*
 * read_dir.c: the folder formats: a folder per label (each subfolder's
 * files are documents of that class) and a folder of articles (every file
 * a document, read in batches).  A .html or .htm file in either is a web
 * page, its text the page's.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* fileno, strcasecmp, opendir */
#endif
#include "read.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "pipeline.h"

/* ------------------------------------------------------------------ */
/* A folder per label                                                  */
/* ------------------------------------------------------------------ */

static char *join_path(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    int slash = a && dir[a - 1] != '/';
    if (b > SIZE_MAX - a - 2)
        return NULL;
    char *p = malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    if (slash)
        p[a] = '/';
    memcpy(p + a + slash, name, b + 1);
    return p;
}

void slant_names_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Lists the entries of folder PATH that do not start with '.', sorted by
 * strcmp so that a corpus reads the same on every file system. */
static slant_status list_folder(const char *path, char ***out, size_t *n_out, slant_error *err)
{
    *out = NULL;
    *n_out = 0;
    DIR *d = opendir(path);
    if (!d)
        return slant_fail(err, SLANT_STATUS_IO, "%s: %s", path, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    for (;;) {
        errno = 0;
        if (!(e = readdir(d)))
            break;
        if (e->d_name[0] == '.')
            continue;
        void *p = names;
        int bad = slant_grow(&p, &cap, n + 1, sizeof *names);
        names = p;
        if (bad || !(names[n] = slant_strdup(e->d_name))) {
            closedir(d);
            slant_names_free(names, n);
            return slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", path);
        }
        n++;
    }
    int e_read = errno;
    closedir(d);
    if (e_read) {
        slant_names_free(names, n);
        return slant_fail(err, SLANT_STATUS_IO, "%s: %s", path, strerror(e_read));
    }
    if (n)
        qsort(names, n, sizeof *names, slant_cmp_strp);
    *out = names;
    *n_out = n;
    return SLANT_STATUS_OK;
}

/* Reads the documents of one label folder, DIR/LABEL, into c (with no
 * label when c has no head: texts_only). */
static slant_status read_label_folder(slant_corpus *c, const char *dir, const char *label,
                                      const char *folder, size_t max_doc, slant_error *err)
{
    slant_status st = slant_read_check_name(label, strlen(label), folder, "the label", err);
    if (st)
        return st;
    char **files;
    size_t n;
    if ((st = list_folder(folder, &files, &n, err)))
        return st;
    for (size_t i = 0; i < n && !st; i++) {
        char *path = join_path(folder, files[i]);
        char *id = join_path(label, files[i]);
        char *buf = NULL;
        const char *text;
        size_t len = 0;
        struct stat sb;
        if (!path || !id)
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", folder);
        else if (stat(path, &sb))
            st = slant_fail(err, SLANT_STATUS_IO, "%s: %s", path, strerror(errno));
        else if (S_ISDIR(sb.st_mode))
            st = slant_fail(err, SLANT_STATUS_BAD_INPUT,
                            "%s: a folder inside a label folder; documents go in "
                            "%s/<label>/<file>",
                            path, dir);
        else if (!S_ISREG(sb.st_mode))
            st = slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: not a regular file", path);
        else if (!(st = slant_read_check_name(id, strlen(id), path, "the id", err))
                 && !(st = slant_read_article(path, path, max_doc, &buf, &text, &len, err))) {
            const char *labels[1] = {label};
            st = slant_corpus_append(c, id, text, len, labels, err);
        }
        free(buf);
        free(id);
        free(path);
    }
    slant_names_free(files, n);
    return st;
}

slant_status slant_dir_read(const char *dir, const read_opts *ro, slant_corpus **out,
                            slant_error *err)
{
    static const char *const heads[] = {LABEL_HEAD};
    slant_corpus *c;
    slant_status st = slant_corpus_new(ro->texts_only ? 0 : 1, heads, dir, &c, err);
    if (st)
        return st;
    char **labels;
    size_t n;
    st = list_folder(dir, &labels, &n, err);
    for (size_t i = 0; i < n && !st; i++) {
        char *folder = join_path(dir, labels[i]);
        struct stat sb;
        if (!folder)
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", dir);
        else if (stat(folder, &sb))
            st = slant_fail(err, SLANT_STATUS_IO, "%s: %s", folder, strerror(errno));
        else if (!S_ISDIR(sb.st_mode))
            st = slant_fail(err, SLANT_STATUS_BAD_INPUT,
                            "%s: not a label folder; documents go in %s/<label>/<file>",
                            folder, dir);
        else
            st = read_label_folder(c, dir, labels[i], folder, ro->max_doc, err);
        free(folder);
    }
    slant_names_free(labels, n);
    if (st) {
        slant_corpus_free(c);
        return st;
    }
    *out = c;
    return SLANT_STATUS_OK;
}

/* ---- A folder of articles (text_fallback) ---- */

/* The regular files of folder DIR, each to be one text document whose id
 * is its path: *files (output, *n_files paths, sorted) for
 * slant_dir_read_articles.  Sub-folders and other entries are skipped with a
 * warning each, and so is nothing that could surprise: a file whose name
 * says it is a corpus is one article here, and the warning says so.  A
 * folder of folders alone is refused: it looks like a labeled corpus, and
 * labeling none of it in silence would hide that. */
slant_status slant_dir_list_articles(const char *dir, char ***files, size_t *n_files,
                                     slant_error *err)
{
    *files = NULL;
    *n_files = 0;
    char **names;
    size_t n;
    slant_status st = list_folder(dir, &names, &n, err);
    if (st)
        return st;
    char **paths = slant_calloc_array(n ? n : 1, sizeof *paths);
    unsigned char *kind = slant_calloc_array(n ? n : 1, 1); /* 0 file, 1 folder, 2 other */
    size_t n_reg = 0, n_dirs = 0;
    if (!paths || !kind)
        st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", dir);
    for (size_t i = 0; i < n && !st; i++) {
        struct stat sb;
        if (!(paths[i] = join_path(dir, names[i])))
            st = slant_fail(err, SLANT_STATUS_NO_MEMORY, "%s: out of memory", dir);
        else if (stat(paths[i], &sb))
            kind[i] = 2; /* a dangling link, or an entry gone since the listing */
        else if (S_ISREG(sb.st_mode))
            n_reg++;
        else if (S_ISDIR(sb.st_mode)) {
            kind[i] = 1;
            n_dirs++;
        } else {
            kind[i] = 2;
        }
    }
    if (!st && n_reg == 0)
        st = n_dirs ? slant_fail(err, SLANT_STATUS_BAD_INPUT,
                                 "%s: holds folders and no files: it looks like a labeled "
                                 "corpus (%s/<label>/<file>); use slant eval to measure a "
                                 "model on it, or name the folders inside to label their files",
                                 dir, dir)
                    : slant_fail(err, SLANT_STATUS_BAD_INPUT, "%s: no files to label", dir);
    for (size_t i = 0; i < n && !st; i++)
        if (!kind[i])
            st = slant_read_check_name(paths[i], strlen(paths[i]), paths[i], "the id", err);
    size_t k = 0;
    for (size_t i = 0; i < n && !st; i++) {
        if (kind[i]) {
            slant_warn("skipping %s: %s", paths[i], kind[i] == 1 ? "a folder" :
                       "not a regular file");
            free(paths[i]); /* a later file's path takes its slot */
            paths[i] = NULL;
            continue;
        }
        slant_format f = slant_format_of_name(paths[i]);
        if (f != SLANT_FORMAT_AUTO && f != SLANT_FORMAT_HTML)
            slant_warn("%s: labeled as one article, though its name says %s; name the file "
                       "itself to label its records", paths[i], slant_format_name(f));
        char *keep = paths[i];
        paths[i] = NULL;
        paths[k++] = keep;
    }
    if (st) {
        slant_names_free(paths, n);
        paths = NULL;
        k = 0;
    } else {
        for (size_t i = k; i < n; i++)
            free(paths[i]);
    }
    free(kind);
    slant_names_free(names, n);
    *files = paths;
    *n_files = k;
    return st;
}

/* Reads files[*next...] into a new corpus *out (output) until it holds
 * MAX_DOCS of them or their texts pass MAX_BYTES; *next moves on.  On an
 * error *out still holds the files before the bad one, if any. */
slant_status slant_dir_read_articles(char *const *files, size_t n_files, size_t *next,
                                     const char *name, size_t max_docs, size_t max_bytes,
                                     size_t max_doc, slant_corpus **out, slant_error *err)
{
    *out = NULL;
    slant_corpus *c;
    slant_status st = slant_corpus_new(0, NULL, name, &c, err);
    size_t bytes = 0;
    while (!st && *next < n_files && c->n_docs < max_docs && !(c->n_docs && bytes >= max_bytes)) {
        const char *path = files[(*next)++];
        char *buf = NULL;
        const char *text;
        size_t len = 0;
        if (!(st = slant_read_article(path, path, max_doc, &buf, &text, &len, err)))
            st = slant_corpus_append(c, path, text, len, NULL, err);
        bytes += len;
        free(buf);
    }
    if (st && c && !c->n_docs) {
        slant_corpus_free(c);
        c = NULL;
    }
    *out = c;
    return st;
}

