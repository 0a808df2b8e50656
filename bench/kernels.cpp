// bench/kernels: the training's compute kernels alone on a real graph — CSR SpMM Â·X and Âᵀ·dY at
// widths 16/32/64, layer 1's sparse features × dense weights (and its backward Xᵀ·dT), and the
// dense transforms of layer 2 — each with achieved GFLOP/s and GB/s beside a STREAM triad
// measured in the same run, so every kernel reads as a fraction of the memory-bandwidth roofline.
//
// Bytes of a sparse × dense product A [rows, cols] · B [cols, w] (the model): per nonzero
// its index and value (no value for a pattern), the row starts, the output rows written, and B:
// one gathered row per nonzero when B does not fit in the last-level cache, else B once. The
// "B once" figure (compulsory traffic) is printed beside it as the stricter yardstick.
//
// The cache size is sysfs's, else measured by a pointer chase (bench/last_level_cache.hpp), or
// --llc-mib's.
//
// Usage: distgae_bench_kernels --data DIR | --graph edges.txt [--features f.mtx]
//                              [--threads T] [--repeats R] [--llc-mib M] [--json FILE]
#include <fmt/format.h>
#include <omp.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/last_level_cache.hpp"
#include "core/csr.hpp"
#include "core/timer.hpp"
#include "io/dataset.hpp"
#include "model/dense.hpp"
#include "model/dense_products.hpp"
#include "model/normalized_adjacency.hpp"
#include "model/spmm.hpp"
#include "partition/partition_pipeline.hpp"

namespace distgae {
namespace {

struct Options {
  std::string data_dir;
  std::string graph_path;
  std::string features_path;
  std::int64_t num_nodes = 0;  // --graph only; 0: the ids occurring in the graph
  int threads = 0;             // 0: omp_get_max_threads()
  int repeats = 10;
  std::vector<int> widths{16, 32, 64};
  std::vector<std::string> kernels{"adjacency", "features", "dense"};
  double llc_mib = 0;     // 0: sysfs's figure, else measured (bench/last_level_cache.hpp)
  double stream_mib = 0;  // per triad array; 0: from the cache size
  std::string json_path;
};

struct Timing {
  double median_s = 0, best_s = 0;
};

// One untimed call (page faults, caches), then `repeats` timed calls.
template <class Body>
Timing time_repeats(int repeats, Body&& body) {
  body();
  std::vector<double> seconds;
  for (int i = 0; i < repeats; ++i) {
    Stopwatch watch;
    body();
    seconds.push_back(watch.seconds());
  }
  std::sort(seconds.begin(), seconds.end());
  return {seconds[seconds.size() / 2], seconds.front()};
}

struct StreamResult {
  double array_bytes = 0, best_gbs = 0, median_gbs = 0;
};

// STREAM triad a = b + s·c on doubles, counted as STREAM does: 24 bytes per element (two reads,
// one write; the write-allocate read is not counted). First touch by the same static schedule.
StreamResult stream_triad(double array_bytes, int repeats) {
  const auto n = static_cast<std::int64_t>(array_bytes / sizeof(double));
  auto a = std::make_unique_for_overwrite<double[]>(n);
  auto b = std::make_unique_for_overwrite<double[]>(n);
  auto c = std::make_unique_for_overwrite<double[]>(n);
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n; ++i) a[i] = 0.0, b[i] = 1.0, c[i] = 2.0;
  const double scalar = 3.0;
  const Timing t = time_repeats(repeats, [&] {
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < n; ++i) a[i] = b[i] + scalar * c[i];
  });
  if (a[n / 2] != 7.0) throw std::runtime_error("stream triad: wrong result");
  const double bytes = 24.0 * double(n);
  return {double(n) * sizeof(double), bytes / t.best_s * 1e-9, bytes / t.median_s * 1e-9};
}

struct Figure {
  std::string kernel, shape;
  int width = 0;
  Timing time;
  double flops = 0, bytes = 0, compulsory_bytes = 0;
  std::string byte_model;
};

// A [rows, cols] · B [cols, width] timed as `time`, its bytes by the model in the file comment.
Figure spmm_figure(std::string kernel, const Csr<std::int32_t, float>& a, int width,
                   double llc_bytes, const Timing& time) {
  const double per_nonzero = sizeof(std::int32_t) + (a.has_values() ? sizeof(float) : 0);
  const double fixed = double(a.nnz()) * per_nonzero + double(a.n_rows() + 1) * 8.0 +
                       double(a.n_rows()) * width * 4.0;
  const double operand = double(a.n_cols) * width * 4.0;
  const bool gathered = operand > llc_bytes;
  Figure f;
  f.kernel = std::move(kernel);
  f.shape = fmt::format("[{}x{}]·[{}x{}]", a.n_rows(), a.n_cols, a.n_cols, width);
  f.width = width;
  f.time = time;
  f.flops = 2.0 * double(a.nnz()) * width;
  f.bytes = fixed + (gathered ? double(a.nnz()) * width * 4.0 : operand);
  f.compulsory_bytes = fixed + operand;
  f.byte_model = gathered ? "row per nnz" : "B once";
  return f;
}

Matrix random_rows(std::int64_t rows, int width) {
  Matrix m(rows, width);
  m.setRandom();
  return m;
}

// y = a · x over all of a's rows, as GcnAggregation and the encoder call it.
Figure bench_spmm(std::string name, const Csr<std::int32_t, float>& a, int width,
                  const Options& options, double llc_bytes) {
  const Matrix x = random_rows(a.n_cols, width);
  Matrix y(a.n_rows(), width);
  const Timing time = time_repeats(options.repeats, [&] { spmm_rows(a, x, y, 0, a.n_rows()); });
  return spmm_figure(std::move(name), a, width, llc_bytes, time);
}

Figure bench_layer1(const Csr<std::int32_t, float>& features, int width, const Options& options,
                    double llc_bytes) {
  const Matrix w0 = random_rows(features.n_cols, width);
  Matrix t1;
  const Timing time = time_repeats(options.repeats, [&] { sparse_times_dense(features, w0, t1); });
  return spmm_figure("X·W0 (sparse_times_dense)", features, width, llc_bytes, time);
}

// dW0 = Xᵀ·dT exactly, as the encoder computes it with --exact-sums (operands on integer grids).
Figure bench_feature_gradient_exact(Csr<std::int32_t, float> features_t, int width,
                                    const Options& options, double llc_bytes) {
  Matrix dt = random_rows(features_t.n_cols, width);
  round_to_grid({dt.data(), static_cast<std::size_t>(dt.size())}, 20);
  if (features_t.has_values()) round_to_grid(features_t.values, 20);
  std::vector<std::int64_t> dw(static_cast<std::size_t>(features_t.n_rows() * width));
  const Timing time = time_repeats(options.repeats, [&] { spmm_exact(features_t, dt, dw.data()); });
  return spmm_figure("Xᵀ·dT (exact)", features_t, width, llc_bytes, time);
}

// Layer 2's dense products as the encoder computes them (model/dense_products.hpp: fixed row
// blocks, fixed-width kernels): T = H·W, dW = Hᵀ·dT, dH = dT·Wᵀ.
std::vector<Figure> bench_dense(std::int64_t n, int w_in, int w_out, const Options& options) {
  const Matrix h = random_rows(n, w_in), dt = random_rows(n, w_out);
  const Matrix w = random_rows(w_in, w_out);
  Matrix t(n, w_out), dh(n, w_in);
  std::vector<std::int64_t> dw(static_cast<std::size_t>(w_in * w_out));
  std::vector<float> dw_float(dw.size());
  // The exact product's operands, on integer grids of 22 bits as the encoder puts them.
  Matrix h_grid = h, dt_grid = dt;
  round_to_grid({h_grid.data(), static_cast<std::size_t>(h_grid.size())}, 22);
  round_to_grid({dt_grid.data(), static_cast<std::size_t>(dt_grid.size())}, 22);
  const double flops = 2.0 * double(n) * w_in * w_out;
  const double bytes = double(n) * (w_in + w_out) * 4.0 + double(w_in) * w_out * 4.0;
  const auto figure = [&](const char* name, std::string shape, const Timing& time) {
    return Figure{name, std::move(shape), w_out, time, flops, bytes, bytes, "dense"};
  };
  std::vector<Figure> out;
  out.push_back(figure("H·W (dense)", fmt::format("[{}x{}]·[{}x{}]", n, w_in, w_in, w_out),
                       time_repeats(options.repeats, [&] { rows_times(h, w, n, t); })));
  out.push_back(
      figure("Hᵀ·dT (dense)", fmt::format("[{}x{}]·[{}x{}]", w_in, n, n, w_out),
             time_repeats(options.repeats, [&] { transpose_times(h, dt, n, dw_float.data()); })));
  out.push_back(figure("Hᵀ·dT (dense, exact)", fmt::format("[{}x{}]·[{}x{}]", w_in, n, n, w_out),
                       time_repeats(options.repeats, [&] {
                         transpose_times_exact(h_grid, dt_grid, n, dw.data());
                       })));
  out.push_back(
      figure("dT·Wᵀ (dense)", fmt::format("[{}x{}]·[{}x{}]", n, w_out, w_out, w_in),
             time_repeats(options.repeats, [&] { rows_times_transposed(dt, w, n, dh); })));
  return out;
}

PartData load_part(const Options& options) {
  if (!options.data_dir.empty()) return read_part(options.data_dir, 0);
  PartitionJob job;
  job.graph_path = options.graph_path;
  job.features_path = options.features_path;
  if (options.num_nodes > 0) job.num_nodes = options.num_nodes;
  return std::move(partition_dataset(job).parts.front());
}

bool wanted(const Options& options, const std::string& group) {
  return std::find(options.kernels.begin(), options.kernels.end(), group) != options.kernels.end();
}

std::vector<Figure> run_kernels(const PartData& part, const Options& options, double llc_bytes) {
  const NormalizedAdjacency adjacency =
      normalize_adjacency(part.adjacency, part.degree, part.canonical_id, part.n_interior);
  std::vector<Figure> figures;
  for (const int width : wanted(options, "adjacency") ? options.widths : std::vector<int>{}) {
    figures.push_back(bench_spmm("Â·X (spmm_rows)", adjacency.rows, width, options, llc_bytes));
  }
  if (part.features.n_cols > 0 && wanted(options, "features")) {
    const Csr<std::int32_t, float> features_t = transpose(part.features);
    for (const int width : options.widths) {
      figures.push_back(bench_layer1(part.features, width, options, llc_bytes));
      figures.push_back(bench_spmm("Xᵀ·dT (spmm_rows)", features_t, width, options, llc_bytes));
      figures.push_back(bench_feature_gradient_exact(features_t, width, options, llc_bytes));
    }
  }
  for (const auto& [w_in, w_out] : {std::pair{32, 16}, std::pair{32, 32}, std::pair{64, 32}}) {
    if (!wanted(options, "dense")) break;
    for (Figure& f : bench_dense(part.n_owned, w_in, w_out, options)) figures.push_back(f);
  }
  return figures;
}

nlohmann::json figure_json(const Figure& f, double stream_gbs) {
  const double gbs = f.bytes / f.time.median_s * 1e-9;
  return {{"kernel", f.kernel},
          {"shape", f.shape},
          {"width", f.width},
          {"median_s", f.time.median_s},
          {"best_s", f.time.best_s},
          {"flops", f.flops},
          {"gflops", f.flops / f.time.median_s * 1e-9},
          {"bytes", f.bytes},
          {"byte_model", f.byte_model},
          {"gbs", gbs},
          {"roofline_fraction", gbs / stream_gbs},
          {"roofline_bound_s", f.bytes / (stream_gbs * 1e9)},
          {"compulsory_bytes", f.compulsory_bytes},
          {"compulsory_fraction", f.compulsory_bytes / f.time.median_s * 1e-9 / stream_gbs}};
}

void print_table(const nlohmann::json& report) {
  const double stream = report["stream"]["best_gbs"];
  fmt::print("\n{:<26} {:>26} {:>9} {:>9} {:>8} {:>7} {:>12} {:>8} {:>9} {:>8}\n", "kernel",
             "shape", "median ms", "best ms", "GFLOP/s", "GB/s", "bytes model", "roofline",
             "bound ms", "B once");
  for (const auto& k : report["kernels"]) {
    fmt::print(
        "{:<26} {:>26} {:>9.2f} {:>9.2f} {:>8.2f} {:>7.2f} {:>12} {:>7.0f}% {:>9.2f} {:>7.0f}%\n",
        k["kernel"].get<std::string>(), k["shape"].get<std::string>(),
        k["median_s"].get<double>() * 1e3, k["best_s"].get<double>() * 1e3,
        k["gflops"].get<double>(), k["gbs"].get<double>(), k["byte_model"].get<std::string>(),
        k["roofline_fraction"].get<double>() * 100, k["roofline_bound_s"].get<double>() * 1e3,
        k["compulsory_fraction"].get<double>() * 100);
  }
  fmt::print(
      "roofline = achieved GB/s / STREAM triad {:.2f} GB/s (median time; bound ms = bytes / "
      "triad); 'B once' = the same with the dense operand read once (compulsory traffic)\n",
      stream);
}

nlohmann::json chase_json(const std::vector<ChasePoint>& sweep) {
  nlohmann::json points = nlohmann::json::array();
  for (const ChasePoint& point : sweep) {
    points.push_back({{"working_set_bytes", point.working_set_bytes}, {"ns", point.ns_per_load}});
  }
  return points;
}

nlohmann::json graph_json(const PartData& part, const Options& options) {
  return {{"source", options.data_dir.empty() ? options.graph_path : options.data_dir},
          {"n_owned", part.n_owned},
          {"n_local", part.n_owned + part.n_halo},
          {"adjacency_nnz", part.adjacency.nnz()},
          {"normalized_nnz", part.adjacency.nnz() + part.n_owned},
          {"feature_dim", part.features.n_cols},
          {"feature_nnz", part.features.nnz()}};
}

int run(const Options& options) {
  if (options.threads > 0) omp_set_num_threads(options.threads);
  const int threads = omp_get_max_threads();
  const CacheFacts cache =
      options.llc_mib > 0 ? CacheFacts{options.llc_mib * 1024 * 1024, "override", "--llc-mib", {}}
                          : last_level_cache();
  const double stream_bytes =
      options.stream_mib > 0
          ? options.stream_mib * 1024 * 1024
          : std::clamp(4.0 * cache.llc_bytes, 256.0 * 1024 * 1024, 1024.0 * 1024 * 1024);
  fmt::print("last-level cache {:.1f} MiB, {} ({})\n", cache.llc_bytes / (1024 * 1024),
             cache.source, cache.detail);
  fmt::print("threads {}, triad arrays 3 x {:.0f} MiB\n", threads, stream_bytes / (1024 * 1024));
  std::fflush(stdout);
  const StreamResult stream = stream_triad(stream_bytes, options.repeats);
  fmt::print("STREAM triad (double, 24 bytes/element): best {:.2f} GB/s, median {:.2f} GB/s\n",
             stream.best_gbs, stream.median_gbs);
  std::fflush(stdout);

  const PartData part = load_part(options);
  fmt::print(
      "graph: Â [{} x {}] with {} nonzeros (self loops included), features [{} x {}] with {} "
      "nonzeros\n",
      part.n_owned, part.n_owned + part.n_halo, part.adjacency.nnz() + part.n_owned,
      part.features.n_rows(), part.features.n_cols, part.features.nnz());
  std::fflush(stdout);
  nlohmann::json report{{"machine",
                         {{"threads", threads},
                          {"llc_bytes", cache.llc_bytes},
                          {"llc_source", cache.source},
                          {"llc_detail", cache.detail},
                          {"llc_chase", chase_json(cache.sweep)}}},
                        {"stream",
                         {{"array_bytes", stream.array_bytes},
                          {"bytes_per_element", 24},
                          {"best_gbs", stream.best_gbs},
                          {"median_gbs", stream.median_gbs}}},
                        {"graph", graph_json(part, options)},
                        {"repeats", options.repeats},
                        {"kernels", nlohmann::json::array()}};
  for (const Figure& f : run_kernels(part, options, cache.llc_bytes)) {
    report["kernels"].push_back(figure_json(f, stream.best_gbs));
  }
  print_table(report);
  if (!options.json_path.empty()) std::ofstream(options.json_path) << report.dump(2) << "\n";
  return 0;
}

}  // namespace
}  // namespace distgae

int main(int argc, char** argv) {
  distgae::Options options;
  CLI::App app{"SpMM and dense kernels of training alone, against a STREAM triad roofline"};
  auto* data = app.add_option("--data", options.data_dir, "Partitioned dataset (part 0 is used)");
  app.add_option("--graph", options.graph_path, "Edge list, partitioned in memory into 1 part")
      ->excludes(data);
  app.add_option("--features", options.features_path, "Node features for --graph");
  app.add_option("--num-nodes", options.num_nodes,
                 "For --graph: node ids are 0..N-1 (isolated nodes included)");
  app.add_option("--threads", options.threads, "OpenMP threads (default: all allowed)");
  app.add_option("--repeats", options.repeats, "Timed calls per kernel")->capture_default_str();
  app.add_option("--widths", options.widths, "Dense widths")->capture_default_str();
  app.add_option("--kernels", options.kernels,
                 "Groups: adjacency (Â·X, Âᵀ·dY), features (X·W0, "
                 "Xᵀ·dT), dense (layer 2's transforms)")
      ->capture_default_str()
      ->check(CLI::IsMember({"adjacency", "features", "dense"}));
  app.add_option("--llc-mib", options.llc_mib,
                 "Last-level cache size (default: sysfs's, else measured by a pointer chase)");
  app.add_option("--stream-mib", options.stream_mib, "Size of each triad array");
  app.add_option("--json", options.json_path, "Also write every figure to this JSON file");
  CLI11_PARSE(app, argc, argv);
  if (options.data_dir.empty() == options.graph_path.empty()) {
    std::fprintf(stderr, "distgae_bench_kernels: give --data DIR or --graph FILE\n");
    return 2;
  }
  try {
    return distgae::run(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "distgae_bench_kernels: %s\n", e.what());
    return 1;
  }
}
