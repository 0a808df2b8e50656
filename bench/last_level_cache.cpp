#include "bench/last_level_cache.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <utility>

#include "core/timer.hpp"

namespace distgae {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;
// Working sets 2^kSmallestLog2 .. 2^kLargestLog2 bytes: 4 MiB is above any L2 (1-2 MiB) and
// within any server's L3, so the smallest set times an L3 hit; 128 MiB is past the L3 one core
// sees on current CPUs (AMD's stacked 96 MiB included), and faulting its pages in alone takes
// 0.4 s on this VM.
constexpr int kSmallestLog2 = 22;
constexpr int kLargestLog2 = 27;
constexpr int kSizes = kLargestLog2 - kSmallestLog2 + 1;
// Every figure is the fastest of kPasses x kRounds rounds of kLoadsPerRound dependent loads, the
// passes going through all sizes in turn: a round that lost the core, or ran while another
// process swept the shared L3 for tens of milliseconds, does not count. The whole sweep took
// 1.2-1.5 s here on a busy machine.
constexpr int kPasses = 3;
constexpr int kRounds = 4;
constexpr std::int64_t kLoadsPerRound = std::int64_t{1} << 15;
// The most warm-up loads before a size's rounds: half a lap of a 32 MiB set (see
// chase_ns_per_load); a larger set's lap would take long, and matters only if it fits the cache.
constexpr std::int64_t kMaxWarmupLoads = std::int64_t{1} << 18;
// A memory access costs at least 3 L3 hits on any CPU we know; a sweep with less between its ends
// never left (or never entered) one cache level, and shows no edge.
constexpr double kMinimumMissToHit = 3.0;

std::string read_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// The largest data or unified cache in sysfs (sizes like "32768K"); llc_bytes 0 where none.
CacheFacts sysfs_cache() {
  CacheFacts facts;
  int best_level = 0;
  for (int index = 0; index < 16; ++index) {
    const std::string dir = fmt::format("/sys/devices/system/cpu/cpu0/cache/index{}/", index);
    const std::string level = read_line(dir + "level"), size = read_line(dir + "size");
    if (level.empty() || size.empty() || read_line(dir + "type") == "Instruction") continue;
    double bytes = std::stod(size);
    if (size.back() == 'K') bytes *= 1024.0;
    if (size.back() == 'M') bytes *= kMiB;
    if (std::stoi(level) >= best_level) {
      best_level = std::stoi(level);
      facts = {bytes, "sysfs", dir + "size", {}};
    }
  }
  return facts;
}

// One 64-byte line, holding the next line's address in each size's cycle: a lap of size i touches
// each of the first 2^line_bits(i) lines once. All sizes are linked at once, so the passes need no
// relinking, and a set's lines are the previous (half as large) set's plus as many again.
struct alignas(64) ChaseLine {
  const ChaseLine* next[kSizes];
};
static_assert(sizeof(ChaseLine) == 64);

// The inverse of an odd number modulo 2^64.
constexpr std::uint64_t inverse_mod_2_64(std::uint64_t odd) {
  std::uint64_t inverse = odd;  // right in the low 3 bits; each Newton step doubles that
  for (int step = 0; step < 5; ++step) inverse *= 2 - odd * inverse;
  return inverse;
}
// The golden ratio's and splitmix64's odd multipliers.
constexpr std::uint64_t kMultipliers[] = {0x9E3779B97F4A7C15ull, 0xBF58476D1CE4E5B9ull,
                                          0x94D049BB133111EBull};

// A bijection of [0, 2^bits): rounds of x ^= x >> shift and an odd multiplication, each invertible
// modulo 2^bits. Consecutive inputs land on unrelated lines and pages, so no stride or next-line
// prefetcher guesses the chase's next load.
std::uint64_t scramble(std::uint64_t x, int bits) {
  const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
  const int shift = bits / 2 + 1;  // more than half the bits: the xorshift is its own inverse
  for (const std::uint64_t multiplier : kMultipliers) {
    x ^= x >> shift;
    x = (x * multiplier) & mask;
  }
  return x;
}

std::uint64_t unscramble(std::uint64_t x, int bits) {
  const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
  const int shift = bits / 2 + 1;
  for (int round = 2; round >= 0; --round) {
    x = (x * inverse_mod_2_64(kMultipliers[round])) & mask;
    x ^= x >> shift;
  }
  return x;
}

int line_bits(int size) {
  return kSmallestLog2 + size - std::countr_zero(sizeof(ChaseLine));
}

// Links, for each size, the first 2^line_bits(size) lines into one cycle that visits them in
// scrambled order: line scramble(k) leads to line scramble(k + 1). Written line by line in
// address order (the inverse gives a line's k): scattered writes took a second here.
void link_cycles(ChaseLine* lines) {
  const std::uint64_t line_count = std::uint64_t{1} << line_bits(kSizes - 1);
  for (std::uint64_t line = 0; line < line_count; ++line) {
    for (int size = 0; size < kSizes; ++size) {
      const int bits = line_bits(size);
      const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
      if (line > mask) continue;
      lines[line].next[size] = &lines[scramble((unscramble(line, bits) + 1) & mask, bits)];
    }
  }
}

// The fastest round's nanoseconds per load around size's cycle. The warm-up: a whole lap for
// the smallest set (the pass before ended on the largest); half a lap for a larger one, whose
// other half is the set chased just before it.
double chase_ns_per_load(const ChaseLine* lines, int size) {
  const std::int64_t count = std::int64_t{1} << line_bits(size);
  const std::int64_t warmup = std::min(size == 0 ? count : count / 2, kMaxWarmupLoads);
  const ChaseLine* line = lines;
  for (std::int64_t i = 0; i < warmup; ++i) line = line->next[size];
  double best_seconds = 1e300;
  for (int round = 0; round < kRounds; ++round) {
    Stopwatch watch;
    for (std::int64_t i = 0; i < kLoadsPerRound; ++i) line = line->next[size];
    best_seconds = std::min(best_seconds, watch.seconds());
  }
  // Using the end of the chase keeps the compiler from dropping the loads.
  if (line == nullptr) throw std::logic_error("pointer chase: broken cycle");
  return best_seconds / double(kLoadsPerRound) * 1e9;
}

std::string sweep_text(const std::vector<ChasePoint>& sweep) {
  std::string text;
  for (const ChasePoint& point : sweep) {
    text += fmt::format("{}{:.0f} MiB {:.0f} ns", text.empty() ? "" : ", ",
                        point.working_set_bytes / kMiB, point.ns_per_load);
  }
  return text;
}

}  // namespace

std::vector<ChasePoint> pointer_chase_sweep() {
  const std::uint64_t line_count = std::uint64_t{1} << line_bits(kSizes - 1);
  const auto lines = std::make_unique_for_overwrite<ChaseLine[]>(line_count);
  link_cycles(lines.get());
  std::vector<ChasePoint> sweep(kSizes);
  for (int size = 0; size < kSizes; ++size) {
    sweep[size] = {double(std::uint64_t{1} << (kSmallestLog2 + size)), 1e300};
  }
  for (int pass = 0; pass < kPasses; ++pass) {
    for (int size = 0; size < kSizes; ++size) {
      sweep[size].ns_per_load =
          std::min(sweep[size].ns_per_load, chase_ns_per_load(lines.get(), size));
    }
  }
  return sweep;
}

// The rule: the smallest working set that misses more often than it hits, i.e. whose latency is
// past the midpoint between the smallest set's (hits: 4 MiB fits any L3) and the largest's
// (misses). Doubling the set from S/2 to S, S the cache's size, takes it from half the cache to all
// of it, and a random set as large as the cache already mostly misses (the cache is not fully
// associative, and it also holds page-table entries, code and, for an L3 shared with other cores
// or tenants, their lines): the midpoint is crossed at S. A size between powers of two rounds up.
// On this project's 2-vCPU Zen 5 VM (32 MiB of L3 per core complex, shared with other tenants):
// about 15 ns at 4 MiB, 20 at 8, 35-90 at 16 (the more, the busier the host), 110-150 at 32 and
// 180-190 at 128 MiB: the midpoint, about 100 ns, is crossed at 32 MiB. The steepest step between
// neighbours, the other rule we tried, put it at 16 MiB whenever the host was busy (8 -> 16 MiB
// is also about where 4 KiB pages outgrow the second-level TLB, a step that is not the cache's).
double cache_edge_bytes(const std::vector<ChasePoint>& sweep) {
  if (sweep.size() < 2) return 0;
  const double hit_ns = sweep.front().ns_per_load, miss_ns = sweep.back().ns_per_load;
  if (miss_ns < kMinimumMissToHit * hit_ns) return 0;
  for (const ChasePoint& point : sweep) {
    if (point.ns_per_load > 0.5 * (hit_ns + miss_ns)) return point.working_set_bytes;
  }
  return 0;
}

CacheFacts last_level_cache() {
  if (CacheFacts facts = sysfs_cache(); facts.llc_bytes > 0) return facts;
  CacheFacts facts;
  facts.sweep = pointer_chase_sweep();
  facts.llc_bytes = cache_edge_bytes(facts.sweep);
  const std::string chase = "pointer chase " + sweep_text(facts.sweep);
  if (facts.llc_bytes > 0) {
    facts.source = "measured";
    facts.detail = "no cache in sysfs; " + chase;
    return facts;
  }
  for (const auto& [name, level] : {std::pair{"_SC_LEVEL3_CACHE_SIZE", _SC_LEVEL3_CACHE_SIZE},
                                    std::pair{"_SC_LEVEL2_CACHE_SIZE", _SC_LEVEL2_CACHE_SIZE}}) {
    if (const long bytes = sysconf(level); bytes > 0) {
      facts.llc_bytes = double(bytes);
      facts.source = "glibc";
      facts.detail = fmt::format(
          "{}, from CPUID: under a hypervisor possibly the whole package's; no cache in sysfs, "
          "and no edge in the {}",
          name, chase);
      return facts;
    }
  }
  facts.llc_bytes = 32.0 * kMiB;
  facts.source = "default";
  facts.detail = "none in sysfs or glibc, and no edge in the " + chase;
  return facts;
}

}  // namespace distgae
