// The start-up check's test: a build that needs an instruction set no current CPU has (AVX-512ER
// was Xeon Phi's), so cpu_check.cpp must stop the probe before its main runs.
#pragma once
#define DISTGAE_REQUIRED_CPU_FEATURES(X) X("avx2") X("avx512er")
