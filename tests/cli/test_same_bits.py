"""`train --exact-sums` gives the same bits on any number of ranks, end to end: losses and
validation metrics in metrics.jsonl, test AUC/AP, the embeddings in node-id order and the final
checkpoint's arrays are byte-equal for P = 1, 2, 3, 4 and 8, for METIS, random and PT-Scotch
parts, with and without features, GAE and VGAE, both decoders, any --neg and any --threads; and
a checkpoint written on 4 ranks resumes on 2 to the bits of straight runs on 2 and on 4.
(Featureless runs use the bundled Citeseer: Pubmed is not in data/.)"""
import os
import shutil
import unittest

from distgae_cli import CORA_EDGES, CORA_FEATURES, DATA, TempDir, mpirun, run
from run_outputs import assert_same_checkpoint, assert_same_run, metrics

CITESEER_EDGES = os.path.join(DATA, "citeseer", "edges.txt")


class SameBitsOnAnyRankCount(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()
        cls.addClassCleanup(cls.tmp.cleanup)

    def dataset(self, name, parts, *args):
        """The dataset `name` partitioned into `parts` parts (once per test class)."""
        out = self.tmp(f"{name}-{parts}")
        if not os.path.exists(out):
            run("partition", *args, "--parts", parts, "--seed", 2, "--out", out)
        return out

    def train(self, name, ranks, data, *args):
        out = self.tmp(f"{name}-run-{ranks}")
        mpirun(ranks, "train", "--data", data, "--exact-sums", "--out", out, "--force", *args)
        return out

    def assert_same_bits(self, reference, runs):
        for ranks, out in runs.items():
            with self.subTest(ranks=ranks):
                assert_same_run(self, out, reference, same_ranks=False)
                assert_same_checkpoint(self, out, reference)

    def test_cora_vgae_with_features_on_1_2_3_4_and_8_ranks(self):
        cora = ["--graph", CORA_EDGES, "--features", CORA_FEATURES]
        train = ["--model", "vgae", "--epochs", 20, "--eval-every", 5, "--seed", 3,
                 "--checkpoint-every", 20]
        runs = {p: self.train("cora-vgae", p, self.dataset("cora", p, *cora), *train)
                for p in (1, 2, 3, 4, 8)}
        self.assertEqual(len(metrics(runs[1])), 20)
        self.assert_same_bits(runs[1], {p: runs[p] for p in (2, 3, 4, 8)})

    def test_citeseer_featureless_gae_random_parts_three_negatives(self):
        citeseer = ["--graph", CITESEER_EDGES, "--features", "none", "--partitioner", "random"]
        train = ["--model", "gae", "--epochs", 4, "--eval-every", 2, "--neg", 3, "--seed", 4,
                 "--checkpoint-every", 4]
        runs = {p: self.train("citeseer-gae", p, self.dataset("citeseer-random", p, *citeseer),
                              *train) for p in (1, 3, 4)}
        self.assert_same_bits(runs[1], {p: runs[p] for p in (3, 4)})

    def test_parts_from_the_distributed_partitioner(self):
        cora = ["--graph", CORA_EDGES, "--features", CORA_FEATURES, "--seed", 2]
        train = ["--model", "vgae", "--epochs", 10, "--eval-every", 5, "--seed", 5,
                 "--checkpoint-every", 10]
        runs = {}
        for p in (2, 3):
            data = self.tmp(f"cora-ptscotch-{p}")
            mpirun(p, "partition", *cora, "--partitioner", "ptscotch", "--parts", p, "--out", data)
            runs[p] = self.train("cora-ptscotch", p, data, *train)
        one = self.train("cora-ptscotch", 1, self.dataset("cora", 1, *cora[:4]), *train)
        self.assert_same_bits(one, runs)

    def test_full_decoder_and_threads(self):
        cora = ["--graph", CORA_EDGES, "--features", CORA_FEATURES]
        train = ["--model", "gae", "--decoder", "full", "--epochs", 5, "--eval-every", 5,
                 "--seed", 6, "--checkpoint-every", 5]
        one = self.train("cora-full", 1, self.dataset("cora", 1, *cora), *train)
        three = self.train("cora-full", 3, self.dataset("cora", 3, *cora), *train)
        two_threads = self.train("cora-full-threads", 2, self.dataset("cora", 2, *cora), *train,
                                 "--threads", 2)
        self.assert_same_bits(one, {3: three, "2 x 2 threads": two_threads})

    def test_checkpoint_of_four_ranks_resumes_on_two_to_the_same_bits(self):
        cora = ["--graph", CORA_EDGES, "--features", CORA_FEATURES]
        train = ["--model", "vgae", "--epochs", 20, "--eval-every", 5, "--seed", 8,
                 "--checkpoint-every", 10]
        straight_4 = self.train("resume-straight", 4, self.dataset("cora", 4, *cora), *train)
        straight_2 = self.train("resume-straight", 2, self.dataset("cora", 2, *cora), *train)
        # The 4-rank run as it stood after its checkpoint at epoch 10, resumed on 2 ranks.
        resumed = self.tmp("resumed")
        shutil.copytree(straight_4, resumed)
        for name in ("ckpt-000020.h5", "ckpt-000020.h5.digest"):
            os.remove(os.path.join(resumed, "checkpoints", name))
        mpirun(2, "train", "--data", self.dataset("cora", 2, *cora), "--exact-sums",
               "--out", resumed, "--resume", *train)
        self.assertEqual(len(metrics(resumed)), 20)
        self.assert_same_bits(straight_2, {"4 then 2": resumed, 4: straight_4})


if __name__ == "__main__":
    unittest.main()
