// gtest main for tests run under mpiexec: MPI is initialised once, rank 0 prints the results,
// and every rank exits non-zero when a test failed on any rank.
#include <gtest/gtest.h>

#include "comm/communicator.hpp"
#include "comm/mpi_env.hpp"

int main(int argc, char** argv) {
  distgae::MpiEnv mpi(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  if (mpi.rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  const int local_result = RUN_ALL_TESTS();
  const auto failed = distgae::Communicator::world().allreduce_max(local_result != 0 ? 1 : 0);
  return failed != 0 ? 1 : 0;
}
