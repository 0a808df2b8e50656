#include "io/h5_file.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <limits>
#include <set>
#include <stdexcept>
#include <system_error>

#include "core/error.hpp"
#include "io/declared_size.hpp"

namespace distgae {

H5Handle& H5Handle::operator=(H5Handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = other.id_;
    closer_ = other.closer_;
    other.id_ = -1;
  }
  return *this;
}

void H5Handle::reset() {
  if (id_ >= 0 && closer_ != nullptr) closer_(id_);
  id_ = -1;
}

void silence_hdf5_errors() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

bool has_hdf5_signature(std::string_view prefix) {
  constexpr std::string_view kSignature = "\x89HDF\r\n\x1a\n";
  return prefix.starts_with(kSignature);
}

H5File::H5File(std::string path, Mode mode) : path_(std::move(path)) {
  silence_hdf5_errors();
  if (mode == Mode::kCreate) {
    file_ = H5Handle(H5Fcreate(path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    if (!file_.valid()) fail_write("cannot create the file");
    return;
  }
  // H5Fis_hdf5 tells "not HDF5 / truncated" apart from "missing".
  if (H5Fis_hdf5(path_.c_str()) <= 0) {
    fail_read("not a readable HDF5 file (missing, truncated or another format)");
  }
  file_ = H5Handle(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file_.valid()) fail_read("not a readable HDF5 file");
}

void H5File::fail_read(const std::string& what) const {
  throw InputError(at_file(path_, what));
}

void H5File::fail_write(const std::string& what) const {
  throw std::runtime_error(at_file(path_, what));
}

bool H5File::exists(const std::string& object) const {
  if (object == "/" || object.empty()) return true;
  // Check each path component so a missing parent group is "absent", not an error.
  std::size_t pos = 0;
  while (true) {
    pos = object.find('/', pos + 1);
    const std::string prefix = object.substr(0, pos);
    if (!prefix.empty() && prefix != "/" &&
        H5Lexists(file_.get(), prefix.c_str(), H5P_DEFAULT) <= 0)
      return false;
    if (pos == std::string::npos) return true;
  }
}

std::vector<hsize_t> H5File::shape(const std::string& dataset) const {
  if (!exists(dataset)) fail_read("dataset '" + dataset + "' is missing");
  H5Handle set(H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (!set.valid()) fail_read("'" + dataset + "' is not a readable dataset");
  H5Handle space(H5Dget_space(set.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) fail_read("dataset '" + dataset + "' has an unreadable shape");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

void H5File::check_rank(const std::string& dataset, const std::vector<hsize_t>& dims,
                        int expected_rank) const {
  if (expected_rank > 0 && static_cast<int>(dims.size()) != expected_rank) {
    fail_read("dataset '" + dataset + "' has " + std::to_string(dims.size()) +
              " dimensions, expected " + std::to_string(expected_rank));
  }
}

void H5File::write_raw(const std::string& dataset, hid_t type, const void* data, std::size_t count,
                       const std::vector<hsize_t>& dims) {
  hsize_t expected = 1;
  for (hsize_t d : dims) expected *= d;
  if (expected != count) fail_write("dataset '" + dataset + "': shape does not match its data");
  H5Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  H5Handle link_props(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(link_props.get(), 1);
  H5Handle set(H5Dcreate2(file_.get(), dataset.c_str(), type, space.get(), link_props.get(),
                          H5P_DEFAULT, H5P_DEFAULT),
               H5Dclose);
  if (!set.valid()) fail_write("cannot create dataset '" + dataset + "'");
  if (count > 0 && H5Dwrite(set.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
    fail_write("cannot write dataset '" + dataset + "'");
  }
}

void H5File::create_rows(const std::string& dataset, hsize_t num_rows, hsize_t width) {
  const hsize_t dims[2] = {num_rows, width};
  H5Handle space(H5Screate_simple(2, dims, nullptr), H5Sclose);
  H5Handle link_props(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(link_props.get(), 1);
  H5Handle create_props(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_layout(create_props.get(), H5D_CONTIGUOUS);
  H5Pset_alloc_time(create_props.get(), H5D_ALLOC_TIME_EARLY);
  H5Handle set(H5Dcreate2(file_.get(), dataset.c_str(), H5T_IEEE_F32LE, space.get(),
                          link_props.get(), create_props.get(), H5P_DEFAULT),
               H5Dclose);
  if (!set.valid()) fail_write("cannot create dataset '" + dataset + "'");
}

RowSelection select_rows(hid_t set, const std::string& dataset, hsize_t first_row, hsize_t count,
                         hsize_t width) {
  RowSelection selection;
  selection.file_space = H5Handle(H5Dget_space(set), H5Sclose);
  hsize_t dims[2] = {0, 0};
  if (H5Sget_simple_extent_ndims(selection.file_space.get()) != 2 ||
      H5Sget_simple_extent_dims(selection.file_space.get(), dims, nullptr) < 0 ||
      (width != 0 && dims[1] != width)) {
    selection.problem = "dataset '" + dataset + "' is not a 2-D array of the expected width";
    return selection;
  }
  if (first_row + count > dims[0]) {
    selection.problem = "dataset '" + dataset + "' has " + std::to_string(dims[0]) +
                        " rows, fewer than " + std::to_string(first_row + count);
    return selection;
  }
  selection.columns = dims[1];
  const hsize_t start[2] = {first_row, 0};
  const hsize_t block[2] = {count, dims[1]};
  selection.memory_space = H5Handle(H5Screate_simple(2, block, nullptr), H5Sclose);
  const herr_t selected = count == 0
                              ? H5Sselect_none(selection.file_space.get())
                              : H5Sselect_hyperslab(selection.file_space.get(), H5S_SELECT_SET,
                                                    start, nullptr, block, nullptr);
  if (count == 0) H5Sselect_none(selection.memory_space.get());
  if (selected < 0) selection.problem = "cannot select rows of dataset '" + dataset + "'";
  return selection;
}

void H5File::write_rows(const std::string& dataset, hsize_t first_row, std::span<const float> rows,
                        hsize_t width) {
  if (width == 0 || rows.size() % width != 0) {
    fail_write("dataset '" + dataset + "': rows are not whole rows");
  }
  if (rows.empty()) return;
  H5Handle set(H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (!set.valid()) fail_write("dataset '" + dataset + "' is missing");
  const RowSelection selection =
      select_rows(set.get(), dataset, first_row, rows.size() / width, width);
  if (!selection.problem.empty()) fail_write(selection.problem);
  if (H5Dwrite(set.get(), H5T_NATIVE_FLOAT, selection.memory_space.get(),
               selection.file_space.get(), H5P_DEFAULT, rows.data()) < 0) {
    fail_write("cannot write rows of dataset '" + dataset + "'");
  }
}

std::vector<float> H5File::read_rows(const std::string& dataset, hsize_t first_row,
                                     hsize_t count) const {
  H5Handle set(H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (!set.valid()) fail_read("dataset '" + dataset + "' is missing");
  const RowSelection selection = select_rows(set.get(), dataset, first_row, count);
  if (!selection.problem.empty()) fail_read(selection.problem);
  std::vector<float> rows(backed_element_count(dataset, {count, selection.columns}));
  if (!rows.empty() && H5Dread(set.get(), H5T_NATIVE_FLOAT, selection.memory_space.get(),
                               selection.file_space.get(), H5P_DEFAULT, rows.data()) < 0) {
    fail_read("cannot read rows of dataset '" + dataset + "' (damaged file or wrong type)");
  }
  return rows;
}

void H5File::read_raw(const std::string& dataset, hid_t type, void* data, std::size_t count) const {
  H5Handle set(H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (!set.valid()) fail_read("dataset '" + dataset + "' is missing");
  if (count > 0 && H5Dread(set.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
    fail_read("cannot read dataset '" + dataset + "' (damaged file or wrong type)");
  }
}

void H5File::write_attribute_raw(const std::string& object, const std::string& name, hid_t type,
                                 const void* value) {
  H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle attr(H5Acreate_by_name(file_.get(), object.c_str(), name.c_str(), type, space.get(),
                                  H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                H5Aclose);
  if (!attr.valid() || H5Awrite(attr.get(), type, value) < 0) {
    fail_write("cannot write attribute '" + name + "' of '" + object + "'");
  }
}

void H5File::write_attribute(const std::string& object, const std::string& name,
                             const std::string& value) {
  // Variable-length UTF-8: h5py returns it as str (a fixed-length one comes back as bytes);
  // MATLAB's h5readatt and h5dump read it as text.
  H5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle attr(H5Acreate_by_name(file_.get(), object.c_str(), name.c_str(), type.get(),
                                  space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                H5Aclose);
  const char* text = value.c_str();
  if (!attr.valid() || H5Awrite(attr.get(), type.get(), &text) < 0) {
    fail_write("cannot write attribute '" + name + "' of '" + object + "'");
  }
}

H5Handle H5File::open_attribute(const std::string& object, const std::string& name) const {
  if (!exists(object) ||
      H5Aexists_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT) <= 0) {
    fail_read("attribute '" + name + "' of '" + object + "' is missing");
  }
  H5Handle attr(
      H5Aopen_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
      H5Aclose);
  if (!attr.valid()) fail_read("cannot open attribute '" + name + "' of '" + object + "'");
  return attr;
}

void H5File::read_attribute_raw(const std::string& object, const std::string& name, hid_t type,
                                void* value) const {
  H5Handle attr = open_attribute(object, name);
  H5Handle space(H5Aget_space(attr.get()), H5Sclose);
  if (H5Sget_simple_extent_npoints(space.get()) != 1 || H5Aread(attr.get(), type, value) < 0) {
    fail_read("attribute '" + name + "' of '" + object + "' is not a readable scalar");
  }
}

std::string H5File::read_string_attribute(const std::string& object,
                                          const std::string& name) const {
  H5Handle attr = open_attribute(object, name);
  // H5Aread writes every element: one string only, or it would overrun the buffers below.
  H5Handle space(H5Aget_space(attr.get()), H5Sclose);
  if (H5Sget_simple_extent_npoints(space.get()) != 1) {
    fail_read("attribute '" + name + "' of '" + object + "' is not a single string");
  }
  H5Handle stored(H5Aget_type(attr.get()), H5Tclose);
  if (H5Tget_class(stored.get()) != H5T_STRING) {
    fail_read("attribute '" + name + "' of '" + object + "' is not a string");
  }
  if (H5Tis_variable_str(stored.get()) > 0) {
    char* text = nullptr;
    H5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(type.get(), H5T_VARIABLE);
    H5Tset_cset(type.get(), H5Tget_cset(stored.get()));  // HDF5 converts no character sets
    if (H5Aread(attr.get(), type.get(), &text) < 0 || text == nullptr) {
      fail_read("attribute '" + name + "' of '" + object + "' is unreadable");
    }
    std::string value(text);
    H5free_memory(text);
    return value;
  }
  // A fixed-length string is stored whole in this file: a size larger than the file is damage.
  const std::size_t size = H5Tget_size(stored.get());
  hsize_t file_bytes = 0;
  if (size == 0 || H5Fget_filesize(file_.get(), &file_bytes) < 0 || size > file_bytes) {
    fail_read("attribute '" + name + "' of '" + object + "' has an impossible string size");
  }
  std::string buffer(size, '\0');
  // Read with the stored type itself: HDF5 converts no character sets or paddings for us.
  if (H5Aread(attr.get(), stored.get(), buffer.data()) < 0) {
    fail_read("attribute '" + name + "' of '" + object + "' is unreadable");
  }
  return buffer.substr(0, buffer.find('\0'));
}

std::uint64_t H5File::backing_bytes(const std::string& dataset) const {
  hsize_t own = 0;
  if (H5Fget_filesize(file_.get(), &own) < 0) own = 0;
  std::uint64_t total = own;
  H5Handle set(H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
  H5Handle properties(set.valid() ? H5Dget_create_plist(set.get()) : -1, H5Pclose);
  std::size_t mappings = 0;
  if (!properties.valid() || H5Pget_layout(properties.get()) != H5D_VIRTUAL ||
      H5Pget_virtual_count(properties.get(), &mappings) < 0) {
    return total;
  }
  // A virtual dataset's elements live in its source files, named relative to this one's
  // directory ("." is this file); each counts once however many mappings name it.
  const std::filesystem::path directory = std::filesystem::path(path_).parent_path();
  std::set<std::string> counted;
  for (std::size_t i = 0; i < mappings; ++i) {
    const ssize_t length = H5Pget_virtual_filename(properties.get(), i, nullptr, 0);
    if (length <= 0) continue;
    std::string name(static_cast<std::size_t>(length) + 1, '\0');
    H5Pget_virtual_filename(properties.get(), i, name.data(), name.size());
    name.resize(static_cast<std::size_t>(length));
    if (name == "." || !counted.insert(name).second) continue;
    std::error_code error;
    const std::uintmax_t bytes = std::filesystem::file_size(directory / name, error);
    if (!error) total += bytes;
  }
  return total;
}

std::size_t H5File::backed_element_count(const std::string& dataset,
                                         const std::vector<hsize_t>& dims) const {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  constexpr std::uint64_t kMaxCompression = 1024;
  constexpr auto kAllowance = static_cast<std::uint64_t>(kUnbackedDimensionAllowance);
  for (hsize_t d : dims) {
    if (d == 0) return 0;
  }
  // No integer or float is wider than 16 bytes; HDF5 would size its conversion buffer by a
  // damaged width (tests/fuzz found a 4 GiB allocation inside H5Dread).
  H5Handle set(H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
  H5Handle type(set.valid() ? H5Dget_type(set.get()) : -1, H5Tclose);
  const H5T_class_t type_class = type.valid() ? H5Tget_class(type.get()) : H5T_NO_CLASS;
  if ((type_class == H5T_INTEGER || type_class == H5T_FLOAT) && H5Tget_size(type.get()) > 16) {
    fail_read(fmt::format("dataset '{}' has {}-byte numbers (damaged file?)", dataset,
                          H5Tget_size(type.get())));
  }
  const std::uint64_t bytes = backing_bytes(dataset);
  const std::uint64_t limit =
      bytes > (kMax - kAllowance) / kMaxCompression ? kMax : bytes * kMaxCompression + kAllowance;
  std::uint64_t count = 1;
  bool too_many = false;
  for (hsize_t d : dims) {
    too_many = too_many || count > limit / d;
    if (!too_many) count *= d;
  }
  if (too_many || count > limit) {
    fail_read(
        fmt::format("dataset '{}' declares shape [{}], more elements than the {} bytes "
                    "that hold it can (damaged file?)",
                    dataset, fmt::join(dims, ", "), bytes));
  }
  return static_cast<std::size_t>(count);
}

void H5File::flush() {
  if (H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) < 0) fail_write("cannot flush");
}

}  // namespace distgae
