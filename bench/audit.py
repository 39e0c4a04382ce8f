#!/usr/bin/python3
"""bench/audit.py: slant audit against labels flipped at random, and the
known share that drift and label --json report.

1. Suspect labels (issue 12, part 4).  For sms_spam (all.tsv), imdb and
   hyperpartisan (train.tsv), 5% of the labels are flipped to another class
   (seeded); `slant audit --top all` ranks every document.  Reported: the
   precision of the top N suspects (N = the number flipped) as audit ranks
   them (the documents it flags first, by margin, then the others) and as the
   plain baseline ranks them (lowest out-of-fold probability of the given
   label, over every document); the number audit flags (its estimate of the
   errors) and the precision of that set; the time.  Both rankings come from
   the same out-of-fold probabilities, so they differ by the ranking alone.
   Each corpus runs with the default settings, and with its preset where
   tests/accuracy uses one (--preset nbsvm for sms_spam and imdb).

2. Known shares (part 5): models of imdb, hyperpartisan and
   state_media_headlines (source_type, --preset headlines) label their own
   test split and the others' (the mismatched corpora): the per-article
   n-gram and word shares (percentiles, share of articles under 0.4 and 0.5)
   and `slant drift`'s summary (mean against the training corpus's,
   total variation of the label mix, warnings): what the defaults of
   --min-known, --max-known-drop and --max-distance rest on.

3. Labeling speed: `label --json` on imdb's test split, with the known
   shares (this build) against a build without them (--base SLANT, e.g. the
   main branch built elsewhere), in alternation, on one thread; and TSV.

Usage: /usr/bin/python3 bench/audit.py [--slant bin/slant] [--base OTHER]
       [--data ../shared/data] [--seeds 1] [--corpora sms_spam,imdb,hyperpartisan]
       [--parts 1,2,3] [--out FILE]
The flipped corpora are written under a temporary folder, never into the
project.  Timing is noisy on a shared machine: compare ratios of one run.
"""
import argparse, json, os, random, re, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))


def read_tsv(path):
    with open(path, encoding='utf-8', newline='\n') as f:
        rows = [l.rstrip('\n').split('\t') for l in f]
    return rows[0], rows[1:]


def flip(src, dst, seed, share=0.05):
    """Writes SRC with an id column and SHARE of its first label flipped;
    returns the ids flipped."""
    head, body = read_tsv(src)
    li = 0 if head[0] != 'id' else 1
    classes = sorted({r[li] for r in body})
    rng = random.Random(seed)
    picked = rng.sample(range(len(body)), round(share * len(body)))
    flipped = set()
    for i in picked:
        body[i][li] = rng.choice([c for c in classes if c != body[i][li]])
        flipped.add(f'd{i}')
    with open(dst, 'w', encoding='utf-8') as f:
        f.write('\t'.join(['id'] + head) + '\n')
        for i, r in enumerate(body):
            f.write('\t'.join([f'd{i}'] + r) + '\n')
    return flipped, head[li], len(body)


def run(cmd, **kw):
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if p.returncode:
        sys.exit(f"{' '.join(cmd)}: exit {p.returncode}: {p.stderr[-2000:]}")
    return p.stdout, p.stderr, time.perf_counter() - t


def audit_part(a, out):
    corpora = [('sms_spam', 'all.tsv', [[], ['--preset', 'nbsvm']]),
               ('imdb', 'train.tsv', [[], ['--preset', 'nbsvm']]),
               ('hyperpartisan', 'train.tsv', [[]])]
    corpora = [c for c in corpora if not a.corpora or c[0] in a.corpora]
    out.append('## Suspect labels: 5% of the labels flipped\n')
    out.append('`slant audit CORPUS --top all -v` (10 folds, near-duplicates kept in one fold); '
               'N = the flipped count.  "audit top N": its ranking (by margin); "baseline top N": '
               'the lowest out-of-fold p(given); "flagged": how many audit flags, its estimate of '
               'the errors (the off-diagonal count of the confident joint), and the share of them '
               'flipped.\n')
    out.append('| corpus | settings | seed | documents | N | audit top N | baseline top N | '
               'flagged | flagged precision | time |')
    out.append('|---|---|---|---|---|---|---|---|---|---|')
    with tempfile.TemporaryDirectory() as tmp:
        for name, split, settings in corpora:
            for seed in a.seeds:
                path = os.path.join(tmp, f'{name}-{seed}.tsv')
                flipped, head, n = flip(os.path.join(a.data, name, split), path, seed)
                N = len(flipped)
                for extra in settings:
                    text, err, secs = run([a.slant, 'audit', path, '--top', 'all', '-v'] + extra)
                    rows = [l.split('\t') for l in text.splitlines()[1:]]
                    # id head given suggested p_given p_suggested score; -v says
                    # "head H: E of D documents flagged ...", and the first E are
                    est = int(re.search(r'head \S+: (\d+) of', err).group(1))
                    audit_top = [r[0] for r in rows[:N]]
                    base = sorted(rows, key=lambda r: (float(r[4]), r[0]))[:N]
                    sus = [r[0] for r in rows[:est]]
                    hit = lambda ids: sum(i in flipped for i in ids)
                    out.append(f"| {name} | {' '.join(extra) or 'default'} | {seed} | {n} | {N} | "
                               f"{hit(audit_top) / N:.3f} | {hit(r[0] for r in base) / N:.3f} | "
                               f"{est} | {hit(sus) / max(1, est):.3f} | "
                               f"{secs:.1f} s |")
                    print(out[-1], flush=True)
    out.append('')


def quantile(v, p):
    return v[int(p * (len(v) - 1))]


def known_part(a, out):
    d = a.data
    models = [('imdb', ['imdb/train.tsv'], []),
              ('hyperpartisan', ['hyperpartisan/train.tsv'], []),
              ('state_media source_type', ['state_media_headlines/train.tsv'],
               ['-l', 'source_type', '--preset', 'headlines'])]
    tests = ['imdb/test.tsv', 'hyperpartisan/test.tsv', 'state_media_headlines/test.tsv']
    out.append('## Known shares: own test split and mismatched corpora\n')
    out.append('Per article (`label --json`): percentiles of the known n-gram share, the share '
               'of articles below 0.4 and 0.5, the 5th percentile of the word share; per batch '
               '(`slant drift`): mean n-gram share against the training corpus\'s, the total '
               'variation distance of the label mix, and the warnings.\n')
    out.append('| model | batch | n-grams p1 / p5 / p50 | < 0.4 | < 0.5 | words p5 | mean (training) '
               '| drop | TV distance | warnings |')
    out.append('|---|---|---|---|---|---|---|---|---|---|')
    with tempfile.TemporaryDirectory() as tmp:
        for name, train, extra in models:
            m = os.path.join(tmp, 'm.slant')
            run([a.slant, 'train', os.path.join(d, train[0]), '-o', m] + extra)
            for t in tests:
                text, _, _ = run([a.slant, 'label', '-m', m, '--json', os.path.join(d, t)])
                ng = sorted(json.loads(l)['known']['ngrams'] for l in text.splitlines())
                w = sorted(json.loads(l)['known']['words'] for l in text.splitlines())
                js, _, _ = run([a.slant, 'drift', '-m', m, '--json', os.path.join(d, t)])
                r = json.loads(js)
                k = r['known']['ngrams']
                tv = max(h['distance'] for h in r['heads'].values())
                own = t.split('/')[0] in train[0]
                warn = '; '.join(x.split(':')[0] if x.startswith('head') else 'known share'
                                 for x in r['warnings']) or 'none'
                out.append(f"| {name} | {t}{' (own)' if own else ''} | {quantile(ng, .01):.3f} / "
                           f"{quantile(ng, .05):.3f} / {quantile(ng, .5):.3f} | "
                           f"{sum(x < .4 for x in ng) / len(ng):.3f} | "
                           f"{sum(x < .5 for x in ng) / len(ng):.3f} | {quantile(w, .05):.3f} | "
                           f"{k['mean']:.3f} ({k['training']:.3f}) | "
                           f"{k['training'] - k['mean']:.3f} | {tv:.3f} | {warn} |")
                print(out[-1], flush=True)
    out.append('')


def speed_part(a, out):
    d = a.data
    out.append('## Labeling speed with and without the known shares\n')
    test = os.path.join(d, 'imdb', 'test.tsv')
    with tempfile.TemporaryDirectory() as tmp:
        m = os.path.join(tmp, 'imdb.slant')
        # a model both builds read: trained by the base when there is one
        run([a.base or a.slant, 'train', os.path.join(d, 'imdb', 'train.tsv'), '-o', m])
        runs = {'this build, --json (known shares)': [a.slant, '--json'],
                'this build, TSV (no known shares)': [a.slant]}
        if a.base:
            runs['base build, --json (no known shares)'] = [a.base, '--json']
        times = {k: [] for k in runs}
        for _ in range(a.repeats):
            for k, (b, *fmt) in runs.items():
                _, _, s = run([b, 'label', '-m', m, '-t', '1', test] + fmt)
                times[k].append(s)
    mb = os.path.getsize(test) / 1e6
    out.append(f'`slant label -m imdb.slant -t 1 imdb/test.tsv` ({mb:.1f} MB), {a.repeats} runs '
               'each in alternation: fastest and median wall time.\n')
    out.append('| run | fastest | median | MB/s (fastest) |')
    out.append('|---|---|---|---|')
    for k, v in times.items():
        out.append(f'| {k} | {min(v):.3f} s | {statistics.median(v):.3f} s | {mb / min(v):.1f} |')
    if a.base:
        j, b = times['this build, --json (known shares)'], times['base build, --json (no known shares)']
        out.append(f'\n--json with the known shares against without: {min(j) / min(b):.3f} '
                   f'(fastest), {statistics.median(j) / statistics.median(b):.3f} (median).')
    out.append('')
    print('\n'.join(out[-8:]), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--slant', default=os.path.join(HERE, '..', 'bin', 'slant'))
    p.add_argument('--base', help='a slant without the known shares, for part 3')
    p.add_argument('--data', default=os.path.join(HERE, '..', '..', 'shared', 'data'))
    p.add_argument('--seeds', default='1')
    p.add_argument('--corpora', help='part 1 on these only (comma-separated)')
    p.add_argument('--parts', default='1,2,3')
    p.add_argument('--repeats', type=int, default=10)
    p.add_argument('--out')
    a = p.parse_args()
    a.seeds = [int(s) for s in a.seeds.split(',')]
    a.corpora = a.corpora.split(',') if a.corpora else None
    parts = a.parts.split(',')
    out = [f"# slant audit and known shares, {time.strftime('%Y-%m-%d')}\n",
           f"`/usr/bin/python3 bench/audit.py {' '.join(sys.argv[1:])}`\n"]
    if '1' in parts:
        audit_part(a, out)
    if '2' in parts:
        known_part(a, out)
    if '3' in parts:
        speed_part(a, out)
    text = '\n'.join(out) + '\n'
    if a.out:
        with open(a.out, 'w') as f:
            f.write(text)
    else:
        print(text)


if __name__ == '__main__':
    main()
