// Flag validators CLI11 lacks, shared by the subcommands: each refuses a value at parse time,
// before anything is created, with the flag named in CLI11's one-line error.
#pragma once

#include <CLI/CLI.hpp>

#include "core/progress_watchdog.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace distgae {

// A seed: decimal digits only. CLI11 parses "-1" into an unsigned option as 2^64 - 1.
inline CLI::Validator seed_check() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        const std::string refusal =
            "expected an integer from 0 to 2^64-1, got '" + value.substr(0, 40) + "'";
        if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos) {
          return refusal;
        }
        try {
          std::stoull(value);
        } catch (const std::out_of_range&) {
          return refusal;
        }
        return "";
      },
      "UINT64");
}

// Whether `value` is, whole, a finite number above zero.
inline bool is_finite_positive(const std::string& value) {
  try {
    std::size_t used = 0;
    const double number = std::stod(value, &used);
    return used == value.size() && std::isfinite(number) && number > 0.0;
  } catch (const std::exception&) {
    return false;
  }
}

// A finite number above zero: CLI::PositiveNumber lets "nan" and "inf" through.
inline CLI::Validator finite_positive_check() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (is_finite_positive(value)) return "";
        return "expected a finite number above 0, got '" + value.substr(0, 40) + "'";
      },
      "POSITIVE");
}

// --stall-timeout: auto, off, or a finite number of seconds above 0.
inline CLI::Validator stall_timeout_check() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (value == "auto" || value == "off" || is_finite_positive(value)) return "";
        return "must be auto, off or a positive number of seconds, not '" + value.substr(0, 40) +
               "'";
      },
      "auto|off|SECONDS");
}

// Adds --stall-timeout to `command`: the seconds without finishing `unit` ("an epoch") after
// which a rank ends the job, auto (`auto_rule`) by default.
inline CLI::Option* add_stall_timeout_option(CLI::App& command, std::string& value,
                                             const std::string& unit,
                                             const std::string& auto_rule) {
  return command
      .add_option("--stall-timeout", value,
                  "Seconds without finishing " + unit +
                      " after which a rank ends the job (a peer frozen or cut off): auto (" +
                      auto_rule + "), off, or a number")
      ->capture_default_str()
      ->check(stall_timeout_check());
}

// A value stall_timeout_check accepted, as core/progress_watchdog.hpp takes it.
inline double parse_stall_timeout(const std::string& value) {
  if (value == "auto") return kStallTimeoutAuto;
  if (value == "off") return kStallTimeoutOff;
  return std::stod(value);
}

}  // namespace distgae
