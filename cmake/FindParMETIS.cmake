# Finds a real ParMETIS (Karypis; e.g. a cluster's module), for -DDISTGAE_PARMETIS=parmetis.
# Its parmetis.h includes METIS's metis.h, whose IDXTYPEWIDTH/idx_t set the index width; Scotch's
# compatibility parmetis.h (which defines no idx_t) is refused. Defines ParMETIS_FOUND and the
# imported target ParMETIS::ParMETIS (libparmetis + libmetis).
find_path(ParMETIS_INCLUDE_DIR NAMES parmetis.h PATH_SUFFIXES parmetis)
find_library(ParMETIS_LIBRARY NAMES parmetis)
find_path(ParMETIS_METIS_INCLUDE_DIR NAMES metis.h PATH_SUFFIXES metis)
find_library(ParMETIS_METIS_LIBRARY NAMES metis)

if(ParMETIS_INCLUDE_DIR AND EXISTS "${ParMETIS_INCLUDE_DIR}/parmetis.h")
  file(READ "${ParMETIS_INCLUDE_DIR}/parmetis.h" _parmetis_header)
  if(_parmetis_header MATCHES "compatibility include file provided[ \t\r\n*]*as part of the Scotch")
    message(FATAL_ERROR "${ParMETIS_INCLUDE_DIR}/parmetis.h is Scotch's compatibility header, not "
                        "ParMETIS's; use -DDISTGAE_PARMETIS=scotch or point "
                        "ParMETIS_INCLUDE_DIR at a real ParMETIS")
  endif()
endif()

# Debian's libscotchparmetis-dev installs libparmetis.so as a link to Scotch's (32-bit) layer.
if(ParMETIS_LIBRARY)
  get_filename_component(_parmetis_real "${ParMETIS_LIBRARY}" REALPATH)
  if(_parmetis_real MATCHES "scotch")
    message(FATAL_ERROR "${ParMETIS_LIBRARY} is Scotch's ParMETIS layer (${_parmetis_real}), not "
                        "ParMETIS; use -DDISTGAE_PARMETIS=scotch or set ParMETIS_LIBRARY")
  endif()
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(ParMETIS
  REQUIRED_VARS ParMETIS_LIBRARY ParMETIS_INCLUDE_DIR ParMETIS_METIS_LIBRARY
                ParMETIS_METIS_INCLUDE_DIR)

if(ParMETIS_FOUND AND NOT TARGET ParMETIS::ParMETIS)
  add_library(ParMETIS::ParMETIS INTERFACE IMPORTED)
  set_target_properties(ParMETIS::ParMETIS PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${ParMETIS_INCLUDE_DIR};${ParMETIS_METIS_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${ParMETIS_LIBRARY};${ParMETIS_METIS_LIBRARY};MPI::MPI_C;m")
endif()
mark_as_advanced(ParMETIS_INCLUDE_DIR ParMETIS_LIBRARY ParMETIS_METIS_INCLUDE_DIR
                 ParMETIS_METIS_LIBRARY)
