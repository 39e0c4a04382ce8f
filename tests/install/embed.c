/*
 * embed.c: a C program that uses an installed libslant through its public
 * header alone: train on three documents from memory, save, load, label.
 */
#include <stdio.h>
#include <string.h>

#include <slant.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: embed MODEL\n");
        return 2;
    }
    const char *texts[] = {"great chips and strong wafers", "tariffs hurt the ports",
                           "strong chip orders", "ports idle after tariffs"};
    const char *heads[] = {"topic"};
    const char *labels[] = {"chips", "trade", "chips", "trade"};
    slant_error err;
    slant_corpus *c = NULL;
    slant_model *m = NULL, *loaded = NULL;
    slant_options o;
    slant_options_init(&o);
    o.min_count = 1;
    if (slant_corpus_from_memory(4, texts, 1, heads, labels, &c, &err)
        || slant_train(c, &o, &m, &err) || slant_model_save(m, argv[1], &err)
        || slant_model_load(argv[1], &loaded, &err)) {
        fprintf(stderr, "embed: %s\n", err.message);
        return 1;
    }
    double probs[2];
    size_t best;
    const char *text = "wafers and chips";
    if (slant_model_predict(loaded, text, strlen(text), probs, &best, &err)) {
        fprintf(stderr, "embed: %s\n", err.message);
        return 1;
    }
    printf("%s %.2f\n", slant_model_class_name(loaded, 0, best), probs[best]);
    slant_model_free(loaded);
    slant_model_free(m);
    slant_corpus_free(c);
    return 0;
}
