// Fault injection for the tests of how a job fails: DISTGAE_FAULT=<site>@<rank> makes the named
// site throw on that rank only, the first time it is reached, so a test can check that an error
// on one rank ends the whole job within seconds with that rank's message. Unset (always, outside
// tests) it costs one getenv at the first call. Sites: read_part, read_checkpoint, epoch,
// write_embeddings.
#pragma once

#include <string_view>

namespace distgae {

// Throws std::runtime_error("injected fault at SITE on rank R (DISTGAE_FAULT)") when
// DISTGAE_FAULT names `site` and `rank` and it has not fired yet in this process.
void fault_injection_point(std::string_view site, int rank);

}  // namespace distgae
