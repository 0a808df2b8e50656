#include "io/embedding_export.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <limits>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <system_error>

#include "core/error.hpp"
#include "io/embedding_validation.hpp"
#include "io/h5_file.hpp"
#include "io/staged_directory.hpp"

namespace distgae {
namespace fs = std::filesystem;
namespace {

// io/embedding_files.cpp's fill value for rows of a shard HDF5 could not read.
constexpr std::int64_t kMissingNodeId = std::numeric_limits<std::int64_t>::min();

bool has_root_attribute(const H5File& file, const std::string& name) {
  return H5Aexists_by_name(file.id(), "/", name.c_str(), H5P_DEFAULT) > 0;
}

bool looks_like_embeddings(const H5File& file) {
  return file.exists("embedding") && file.exists("node_id") && has_root_attribute(file, "model") &&
         has_root_attribute(file, "latent");
}

// The shard files a view's `node_id` maps (the other datasets map the same ones), row order.
std::vector<EmbeddingSource> mapped_sources(const H5File& file) {
  H5Handle set(H5Dopen2(file.id(), "node_id", H5P_DEFAULT), H5Dclose);
  H5Handle properties(set.valid() ? H5Dget_create_plist(set.get()) : -1, H5Pclose);
  if (!properties.valid()) throw InputError(at_file(file.path(), "cannot open 'node_id'"));
  std::vector<EmbeddingSource> sources;
  if (H5Pget_layout(properties.get()) != H5D_VIRTUAL) return sources;
  size_t count = 0;
  H5Pget_virtual_count(properties.get(), &count);
  const fs::path directory = fs::path(file.path()).parent_path();
  for (size_t i = 0; i < count; ++i) {
    const ssize_t length = H5Pget_virtual_filename(properties.get(), i, nullptr, 0);
    // The view's side of the mapping: the source side of an "all" selection is not resolved
    // until the shard is opened.
    H5Handle view_rows(H5Pget_virtual_vspace(properties.get(), i), H5Sclose);
    if (length < 0 || !view_rows.valid()) {
      throw InputError(at_file(file.path(), "unreadable virtual mapping of 'node_id'"));
    }
    std::string name(static_cast<std::size_t>(length) + 1, '\0');
    H5Pget_virtual_filename(properties.get(), i, name.data(), name.size());
    name.resize(static_cast<std::size_t>(length));
    EmbeddingSource source;
    // "." is the view itself; a relative name is looked up beside the view first.
    const fs::path resolved = name == "." ? fs::path(file.path()) : directory / name;
    std::error_code ignored;
    source.exists = fs::is_regular_file(resolved, ignored);
    source.rows = H5Sget_select_npoints(view_rows.get());
    source.file = std::move(name);
    sources.push_back(std::move(source));
  }
  return sources;
}

// One file's summary, its attributes checked against its shapes; a view's shards unread.
EmbeddingsSummary summarize_file(const H5File& file) {
  if (!looks_like_embeddings(file)) {
    throw InputError(at_file(file.path(),
                             "not a distgae embeddings file (no embedding and node_id datasets "
                             "with model and latent attributes)"));
  }
  EmbeddingsSummary s;
  s.path = file.path();
  s.model = file.read_string_attribute("/", "model");
  s.latent = file.read_attribute<std::int32_t>("/", "latent");
  s.hidden = file.read_attribute<std::int32_t>("/", "hidden");
  s.epoch = file.read_attribute<std::int64_t>("/", "epoch");
  s.seed = file.read_attribute<std::uint64_t>("/", "seed");
  s.test_auc = file.read_attribute<double>("/", "test_auc");
  s.test_ap = file.read_attribute<double>("/", "test_ap");
  s.graph_fingerprint = file.read_string_attribute("/", "graph_fingerprint");
  if (has_root_attribute(file, "part")) s.part = file.read_attribute<std::int32_t>("/", "part");
  if (has_root_attribute(file, "num_parts")) {
    s.num_parts = file.read_attribute<std::int32_t>("/", "num_parts");
  }
  if (has_root_attribute(file, "n_rows")) {
    s.n_rows_attribute = file.read_attribute<std::int64_t>("/", "n_rows");
  }
  if (has_root_attribute(file, "num_nodes")) {
    s.num_nodes_attribute = file.read_attribute<std::int64_t>("/", "num_nodes");
  }
  const std::vector<hsize_t> ids = file.shape("node_id");
  s.rows = ids.size() == 1 ? static_cast<std::int64_t>(ids[0]) : -1;
  const std::vector<hsize_t> matrix = {static_cast<hsize_t>(s.rows),
                                       static_cast<hsize_t>(s.latent)};
  s.has_logstd = file.exists("logstd");
  if (s.rows < 0 || s.latent <= 0 || file.shape("embedding") != matrix ||
      (s.has_logstd && file.shape("logstd") != matrix)) {
    throw InputError(at_file(file.path(), fmt::format("node_id, embedding and logstd are not [{}] "
                                                      "and [{}, {}] as the latent attribute says",
                                                      s.rows, s.rows, s.latent)));
  }
  s.shards = mapped_sources(file);
  s.is_view = !s.shards.empty();
  check_embeddings_attributes(s);
  return s;
}

// A view's summary also opens each shard it maps and checks it against the view: HDF5 would read
// an unreadable shard as fill values without an error.
EmbeddingsSummary summarize(const H5File& file) {
  EmbeddingsSummary s = summarize_file(file);
  const fs::path directory = fs::path(file.path()).parent_path();
  for (const EmbeddingSource& source : s.shards) {
    if (!source.exists || source.file == ".") continue;  // missing: marked, refused by export
    const H5File shard((directory / source.file).string(), H5File::Mode::kRead);
    check_shard_against_view(s, source, summarize_file(shard));
  }
  return s;
}

// Row order by ascending node id; a repeated id or an unreadable row is bad input.
std::vector<std::int64_t> sorted_order(const std::string& path,
                                       const std::vector<std::int64_t>& node_id) {
  std::vector<std::int64_t> order(node_id.size());
  std::iota(order.begin(), order.end(), std::int64_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::int64_t a, std::int64_t b) { return node_id[a] < node_id[b]; });
  if (!order.empty() && node_id[order.front()] == kMissingNodeId) {
    throw InputError(at_file(path, "rows without a node id: a shard of the view is unreadable"));
  }
  for (std::size_t i = 1; i < order.size(); ++i) {
    if (node_id[order[i]] == node_id[order[i - 1]]) {
      throw InputError(at_file(path, fmt::format("node id {} appears twice", node_id[order[i]])));
    }
  }
  return order;
}

// Rows of a row-major [n, width] matrix, in `order`.
template <class T>
std::vector<T> gather_rows(const std::vector<T>& rows, const std::vector<std::int64_t>& order,
                           std::size_t width) {
  std::vector<T> sorted;
  sorted.reserve(order.size() * width);
  for (std::int64_t row : order) {
    const auto first = rows.begin() + static_cast<std::ptrdiff_t>(row * width);
    sorted.insert(sorted.end(), first, first + static_cast<std::ptrdiff_t>(width));
  }
  return sorted;
}

std::vector<std::string> root_attribute_names(const H5File& file) {
  std::vector<std::string> names;
  // A C callback: no exception may cross HDF5, so a failure stops the iteration instead.
  const auto collect = [](hid_t, const char* name, const H5A_info_t*, void* out) -> herr_t {
    try {
      static_cast<std::vector<std::string>*>(out)->emplace_back(name);
      return 0;
    } catch (...) {
      return -1;
    }
  };
  if (H5Aiterate_by_name(file.id(), "/", H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names,
                         H5P_DEFAULT) < 0) {
    throw InputError(at_file(file.path(), "cannot list the root attributes"));
  }
  return names;
}

// Copies one root attribute whatever its type; variable-length strings are read into memory
// HDF5 allocates, so they are reclaimed after the write.
void copy_root_attribute(const H5File& source, H5File& target, const std::string& name) {
  H5Handle attribute(H5Aopen_by_name(source.id(), "/", name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                     H5Aclose);
  H5Handle stored(attribute.valid() ? H5Aget_type(attribute.get()) : -1, H5Tclose);
  H5Handle memory(stored.valid() ? H5Tget_native_type(stored.get(), H5T_DIR_ASCEND) : -1, H5Tclose);
  H5Handle space(attribute.valid() ? H5Aget_space(attribute.get()) : -1, H5Sclose);
  if (!memory.valid() || !space.valid()) {
    throw InputError(at_file(source.path(), "cannot read attribute '" + name + "'"));
  }
  const auto points = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
  std::vector<unsigned char> buffer(H5Tget_size(memory.get()) * std::max<std::size_t>(points, 1));
  if (H5Aread(attribute.get(), memory.get(), buffer.data()) < 0) {
    throw InputError(at_file(source.path(), "cannot read attribute '" + name + "'"));
  }
  H5Handle copy(H5Acreate_by_name(target.id(), "/", name.c_str(), stored.get(), space.get(),
                                  H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                H5Aclose);
  const bool written = copy.valid() && H5Awrite(copy.get(), memory.get(), buffer.data()) >= 0;
  if (H5Tdetect_class(memory.get(), H5T_VLEN) > 0 || H5Tis_variable_str(memory.get()) > 0) {
    H5Dvlen_reclaim(memory.get(), space.get(), H5P_DEFAULT, buffer.data());
  }
  if (!written) throw std::runtime_error(at_file(target.path(), "cannot write '" + name + "'"));
}

void write_sorted_hdf5(const H5File& source, const EmbeddingsSummary& summary,
                       const std::vector<std::int64_t>& node_id,
                       const std::vector<std::int64_t>& order, const std::string& path) {
  H5File target(path, H5File::Mode::kCreate);
  target.write("node_id", gather_rows(node_id, order, 1));
  const auto width = static_cast<std::size_t>(summary.latent);
  const std::vector<hsize_t> dims = {static_cast<hsize_t>(summary.rows), width};
  for (const char* dataset : {"embedding", "logstd"}) {
    if (!source.exists(dataset)) continue;
    const std::vector<float> values = source.read<float>(dataset, 2);
    check_finite_rows(summary, dataset, values, node_id);
    target.write(dataset, gather_rows(values, order, width), dims);
  }
  for (const std::string& name : root_attribute_names(source)) {
    copy_root_attribute(source, target, name);
  }
  target.flush();
}

// Streams the rows through a buffer flushed every megabyte: no text of the whole file in memory.
void write_sorted_csv(const H5File& source, const EmbeddingsSummary& summary,
                      const std::vector<std::int64_t>& node_id,
                      const std::vector<std::int64_t>& order, const std::string& path) {
  const std::vector<float> embedding = source.read<float>("embedding", 2);
  check_finite_rows(summary, "embedding", embedding, node_id);
  const auto width = static_cast<std::size_t>(summary.latent);
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "wb"), std::fclose);
  if (!file) throw std::runtime_error(at_file(path, "cannot create the file"));
  fmt::memory_buffer text;
  const auto out = std::back_inserter(text);
  const auto flush = [&] {
    if (std::fwrite(text.data(), 1, text.size(), file.get()) != text.size()) {
      throw std::runtime_error(at_file(path, "write failed (disk full?)"));
    }
    text.clear();
  };
  fmt::format_to(out, "node_id");
  for (std::size_t k = 0; k < width; ++k) fmt::format_to(out, ",e{}", k);
  text.push_back('\n');
  for (std::int64_t row : order) {
    fmt::format_to(out, "{}", node_id[row]);
    const float* values = embedding.data() + row * width;
    for (std::size_t k = 0; k < width; ++k) fmt::format_to(out, ",{:.9g}", values[k]);
    text.push_back('\n');
    if (text.size() >= (std::size_t{1} << 20)) flush();
  }
  flush();
  if (std::fclose(file.release()) != 0) {
    throw std::runtime_error(at_file(path, "write failed (disk full?)"));
  }
}

// A hidden sibling of the output, removed unless committed (renamed into place).
class TemporaryOutput {
 public:
  TemporaryOutput(const std::string& output, bool overwrite)
      : final_(output),
        temporary_(final_.parent_path() /
                   fmt::format(".{}.tmp-{}", final_.filename().string(), ::getpid())),
        overwrite_(overwrite) {}
  ~TemporaryOutput() {
    std::error_code ignored;
    if (!committed_) fs::remove(temporary_, ignored);
  }
  TemporaryOutput(const TemporaryOutput&) = delete;
  TemporaryOutput& operator=(const TemporaryOutput&) = delete;

  std::string path() const { return temporary_.string(); }
  void commit() {
    fsync_path(temporary_);
    if (!overwrite_ && fs::exists(final_)) {
      throw InputError(at_file(final_.string(), "output appeared meanwhile"));
    }
    fs::rename(temporary_, final_);
    committed_ = true;
    const fs::path directory = final_.parent_path();
    fsync_path(directory.empty() ? fs::path(".") : directory);
  }

 private:
  fs::path final_;
  fs::path temporary_;
  bool overwrite_ = false;
  bool committed_ = false;
};

// Refuses an output we would clobber or could not create, before reading anything.
void check_output(const std::string& output, bool overwrite) {
  std::error_code ignored;
  if (fs::is_directory(output, ignored)) {
    throw InputError(at_file(output, "output is a directory; give a file name"));
  }
  if (fs::exists(output, ignored) && !overwrite) {
    throw InputError(at_file(output, "output exists (pass --force to replace it)"));
  }
  const fs::path parent = fs::absolute(output).parent_path();
  if (!fs::is_directory(parent, ignored)) {
    throw InputError(at_file(output, "parent directory does not exist"));
  }
}

}  // namespace

std::string resolve_embeddings_path(const std::string& input) {
  std::error_code ignored;
  if (!fs::exists(input, ignored)) throw InputError(at_file(input, "no such file or directory"));
  if (!fs::is_directory(input, ignored)) return input;
  for (const fs::path& candidate :
       {fs::path(input) / "embeddings" / "embeddings.h5", fs::path(input) / "embeddings.h5"}) {
    if (fs::is_regular_file(candidate, ignored)) return candidate.string();
  }
  throw InputError(at_file(input, "not a run directory (no embeddings/embeddings.h5 in it)"));
}

bool is_embeddings_file(const std::string& path) {
  return looks_like_embeddings(H5File(path, H5File::Mode::kRead));
}

EmbeddingsSummary read_embeddings_summary(const std::string& path) {
  return summarize(H5File(path, H5File::Mode::kRead));
}

std::int64_t export_sorted_embeddings(const std::string& embeddings_path, const std::string& output,
                                      ExportFormat format, bool overwrite) {
  check_output(output, overwrite);
  const H5File source(embeddings_path, H5File::Mode::kRead);
  const EmbeddingsSummary summary = summarize(source);
  for (const EmbeddingSource& shard : summary.shards) {
    if (!shard.exists) {
      throw InputError(at_file(embeddings_path, "shard " + shard.file + " is missing"));
    }
  }
  const std::vector<std::int64_t> node_id = source.read<std::int64_t>("node_id", 1);
  const std::vector<std::int64_t> order = sorted_order(embeddings_path, node_id);
  TemporaryOutput temporary(output, overwrite);
  if (format == ExportFormat::kHdf5) {
    write_sorted_hdf5(source, summary, node_id, order, temporary.path());
  } else {
    write_sorted_csv(source, summary, node_id, order, temporary.path());
  }
  temporary.commit();
  return summary.rows;
}

}  // namespace distgae
