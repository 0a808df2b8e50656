# Finds PT-Scotch with 64-bit SCOTCH_Num (Debian: libptscotch-dev, libscotchparmetis-dev) and its
# ParMETIS v3 compatibility layer. Defines PTScotch_FOUND and the imported targets
#   PTScotch::PTScotch  libptscotch + libscotch + libptscotcherr, include dir scotch-int64/
#   PTScotch::ParMETIS  libptscotchparmetisv3 (ParMETIS_V3_PartKway on PT-Scotch), include dir
#                       parmetis-int64/ (Scotch's parmetis.h: SCOTCH_Num indices, no idx_t)
#
# Debian installs the 32-bit, 64-bit and `long` builds side by side with the same sonames
# (libptscotch-7.0.so in scotch-int32/, scotch-int64/ and the default directory, which is the
# 32-bit one). Linked as shared libraries, the loader picks whichever it finds first; the
# compatibility library's own dependency on libptscotch-7.0.so is not covered by our RUNPATH,
# so a 64-bit header would be paired with a 32-bit library at run time. We therefore link the
# static archives of the chosen width, which carry no soname; the start-up check in
# src/comm/distributed_graph_partitioner.cpp (SCOTCH_numSizeof) still refuses a mismatch.
set(PTScotch_INT_WIDTH "int64" CACHE STRING "Which Debian PT-Scotch build: int64, int32 or long")
set(_ptscotch_lib_hints /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/scotch-${PTScotch_INT_WIDTH}
                        /usr/lib/scotch-${PTScotch_INT_WIDTH})

find_path(PTScotch_INCLUDE_DIR NAMES ptscotch.h
          PATHS /usr/include/scotch-${PTScotch_INT_WIDTH} NO_DEFAULT_PATH)
find_path(PTScotch_PARMETIS_INCLUDE_DIR NAMES parmetis.h
          PATHS /usr/include/parmetis-${PTScotch_INT_WIDTH} NO_DEFAULT_PATH)
foreach(_lib ptscotch scotch ptscotcherr ptscotchparmetisv3)
  find_library(PTScotch_${_lib}_LIBRARY NAMES lib${_lib}.a ${_lib}
               PATHS ${_ptscotch_lib_hints} NO_DEFAULT_PATH)
  mark_as_advanced(PTScotch_${_lib}_LIBRARY)
endforeach()
# The archives' own dependencies: Scotch reads compressed graph files and uses threads.
find_package(ZLIB QUIET)
find_package(BZip2 QUIET)
find_package(LibLZMA QUIET)
find_package(Threads REQUIRED)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(PTScotch
  REQUIRED_VARS PTScotch_ptscotch_LIBRARY PTScotch_scotch_LIBRARY PTScotch_ptscotcherr_LIBRARY
                PTScotch_ptscotchparmetisv3_LIBRARY PTScotch_INCLUDE_DIR
                PTScotch_PARMETIS_INCLUDE_DIR)

if(PTScotch_FOUND AND NOT TARGET PTScotch::PTScotch)
  set(_ptscotch_deps MPI::MPI_C Threads::Threads m)
  foreach(_dep ZLIB::ZLIB BZip2::BZip2 LibLZMA::LibLZMA)
    if(TARGET ${_dep})
      list(APPEND _ptscotch_deps ${_dep})
    endif()
  endforeach()
  add_library(PTScotch::PTScotch INTERFACE IMPORTED)
  set_target_properties(PTScotch::PTScotch PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${PTScotch_INCLUDE_DIR}"
    # Order matters for static archives: ptscotch calls scotch, both call the error library.
    INTERFACE_LINK_LIBRARIES "${PTScotch_ptscotch_LIBRARY};${PTScotch_scotch_LIBRARY};${PTScotch_ptscotcherr_LIBRARY};${_ptscotch_deps}")
  add_library(PTScotch::ParMETIS INTERFACE IMPORTED)
  set_target_properties(PTScotch::ParMETIS PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${PTScotch_PARMETIS_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${PTScotch_ptscotchparmetisv3_LIBRARY};PTScotch::PTScotch")
endif()
mark_as_advanced(PTScotch_INCLUDE_DIR PTScotch_PARMETIS_INCLUDE_DIR)
