# Finds the METIS graph partitioner (Debian: libmetis-dev).
# Defines METIS_FOUND, METIS_INCLUDE_DIRS, METIS_LIBRARIES and the imported target METIS::METIS.
find_path(METIS_INCLUDE_DIR NAMES metis.h PATH_SUFFIXES metis)
find_library(METIS_LIBRARY NAMES metis)

if(METIS_INCLUDE_DIR AND EXISTS "${METIS_INCLUDE_DIR}/metis.h")
  file(STRINGS "${METIS_INCLUDE_DIR}/metis.h" _metis_version_lines
       REGEX "#define METIS_VER_(MAJOR|MINOR|SUBMINOR)")
  foreach(_part MAJOR MINOR SUBMINOR)
    string(REGEX MATCH "METIS_VER_${_part}[ \t]+([0-9]+)" _m "${_metis_version_lines}")
    set(METIS_VERSION_${_part} "${CMAKE_MATCH_1}")
  endforeach()
  set(METIS_VERSION "${METIS_VERSION_MAJOR}.${METIS_VERSION_MINOR}.${METIS_VERSION_SUBMINOR}")
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(METIS
  REQUIRED_VARS METIS_LIBRARY METIS_INCLUDE_DIR
  VERSION_VAR METIS_VERSION)

if(METIS_FOUND)
  set(METIS_INCLUDE_DIRS "${METIS_INCLUDE_DIR}")
  set(METIS_LIBRARIES "${METIS_LIBRARY}")
  if(NOT TARGET METIS::METIS)
    add_library(METIS::METIS UNKNOWN IMPORTED)
    set_target_properties(METIS::METIS PROPERTIES
      IMPORTED_LOCATION "${METIS_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${METIS_INCLUDE_DIR}")
  endif()
endif()
mark_as_advanced(METIS_INCLUDE_DIR METIS_LIBRARY)
