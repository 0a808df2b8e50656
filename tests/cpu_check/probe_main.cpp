// Linked with src/app/cpu_check.cpp and a required-features list this CPU cannot satisfy: the
// constructor must exit before this runs.
#include <cstdio>

int main() {
  std::puts("probe main ran: the CPU check let a binary built for missing instructions start");
  return 0;
}
