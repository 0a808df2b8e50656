#!/usr/bin/env bash
# Prints a seed sweep's table (OUT_ROOT/results.tsv, written by jobs/sweep.sbatch) sorted by
# seed, then the mean and sample standard deviation of test AUC and AP over the seeds. A seed
# that ran twice counts once (its last line).
#
#   jobs/collect_sweep.sh runs/sweep
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 OUT_ROOT" >&2
  exit 2
fi
table="$1/results.tsv"
if [ ! -s "$table" ]; then
  echo "collect_sweep: no results in $table" >&2
  exit 2
fi
# Last line per seed (tac + stable unique sort), in seed order; plain POSIX awk (Debian's mawk).
tac "$table" | sort -t "$(printf '\t')" -k1,1n -s -u | awk -F'\t' '
  NF == 3 { n++; seed[n] = $1; auc[n] = $2; ap[n] = $3; sa += $2; sp += $3 }
  END {
    printf "%-6s %-10s %s\n", "seed", "test_auc", "test_ap"
    for (i = 1; i <= n; i++) printf "%-6s %-10.4f %.4f\n", seed[i], auc[i], ap[i]
    ma = sa / n; mp = sp / n
    for (i = 1; i <= n; i++) { va += (auc[i] - ma) ^ 2; vp += (ap[i] - mp) ^ 2 }
    da = n > 1 ? sqrt(va / (n - 1)) : 0
    dp = n > 1 ? sqrt(vp / (n - 1)) : 0
    printf "%d seeds: test AUC %.4f ± %.4f   test AP %.4f ± %.4f (mean ± sample std)\n",
      n, ma, da, mp, dp
  }'
