#include "app/graph_input_options.hpp"

namespace distgae {

CLI::Option* add_graph_input_options(CLI::App& command, GraphInputFlags& flags) {
  PartitionJob& job = flags.job;
  CLI::Option* graph = command.add_option(
      "--graph", job.graph_path, "Edge list (u v [w]; # or % comments) or MatrixMarket file");
  command.add_option("--features", job.features_path,
                     "Node features: MatrixMarket or HDF5 (dense 2-D dataset); 'none' for none");
  command
      .add_option("--features-dataset", job.features_dataset,
                  "Dataset inside an HDF5 features file")
      ->capture_default_str();
  CLI::Option* node_ids =
      command.add_option("--node-ids", job.node_ids_path,
                         "File listing every node id (one per line) in feature-row order; "
                         "nodes absent from the graph stay as isolated nodes");
  command
      .add_option("--num-nodes", flags.num_nodes,
                  "Node ids are 0..N-1 (isolated nodes included); ids outside are an error. "
                  "Default: an edge list's '# nodes: N' header line, if it has one")
      ->check(CLI::PositiveNumber)
      ->excludes(node_ids);
  command.add_option("--val-frac", job.split.val_frac, "Fraction of edges held out for validation")
      ->capture_default_str();
  command.add_option("--test-frac", job.split.test_frac, "Fraction of edges held out for test")
      ->capture_default_str();
  command.add_flag("--no-split", job.split.no_split, "Train on every edge (no val/test)");
  command.add_option("--objective", flags.objective, "METIS objective: vol (halo volume) or cut")
      ->capture_default_str()
      ->check(CLI::IsMember({"vol", "cut"}));
  command
      .add_option("--partitioner", flags.partitioner,
                  "ptscotch (distributed: PT-Scotch, every rank holding its share; the default "
                  "under mpirun -n P > 1), metis (one rank gathers the graph; the default on one "
                  "rank), or random (a baseline for comparing communication volume)")
      ->check(CLI::IsMember({"ptscotch", "metis", "random"}));
  command
      .add_option("--ptscotch-input", flags.ptscotch_input,
                  "What PT-Scotch partitions: clusters (the graph of label-propagation clusters, "
                  "then refined on the whole graph: several times less memory and time) or graph "
                  "(the training graph itself)")
      ->capture_default_str()
      ->check(CLI::IsMember({"clusters", "graph"}));
  command
      .add_option("--imbalance", job.partition.imbalance, "Allowed max part size / mean part size")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 10.0));
  return graph;
}

PartitionJob graph_input_job(const GraphInputFlags& flags, int parts, std::uint64_t seed,
                             int ranks) {
  PartitionJob job = flags.job;
  if (flags.num_nodes > 0) job.num_nodes = flags.num_nodes;
  if (job.features_path == "none") job.features_path.clear();
  job.partition.num_parts = parts;
  job.partition.objective =
      flags.objective == "cut" ? PartitionObjective::kCut : PartitionObjective::kVolume;
  const std::string partitioner =
      !flags.partitioner.empty() ? flags.partitioner : (ranks > 1 ? "ptscotch" : "metis");
  job.partition.method = partitioner == "random"  ? PartitionMethod::kRandom
                         : partitioner == "metis" ? PartitionMethod::kMetis
                                                  : PartitionMethod::kPtScotch;
  job.partition.cluster_first = flags.ptscotch_input == "clusters";
  job.split.seed = seed;
  job.partition.seed = seed;
  return job;
}

}  // namespace distgae
