# `cmake --install`: the gpusim command, its man page (generated from
# `gpusim --help`), bash completion, the shipped scenarios and the docs; the
# Python module installs itself (python/CMakeLists.txt). CPack turns the same
# install into gpusim_VERSION_ARCH.deb (scripts/package.sh).
include(GNUInstallDirs)
# Installing (and cpack) needs only what it installs built, not the tests:
# scripts/package.sh builds gpusim, _gpusim and gpusim_man.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

install(TARGETS gpusim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The man page: every command's --help, in roff (cmake/manpage.cmake).
set(gpusim_man ${CMAKE_BINARY_DIR}/man/gpusim.1)
add_custom_command(OUTPUT ${gpusim_man}.gz
  COMMAND ${CMAKE_COMMAND} -DGPUSIM=$<TARGET_FILE:gpusim> -DOUT=${gpusim_man} -P ${PROJECT_SOURCE_DIR}/cmake/manpage.cmake
  COMMAND gzip -9nf ${gpusim_man}
  DEPENDS gpusim ${PROJECT_SOURCE_DIR}/cmake/manpage.cmake
  COMMENT "Generating the gpusim(1) man page from gpusim --help")
add_custom_target(gpusim_man ALL DEPENDS ${gpusim_man}.gz)
install(FILES ${gpusim_man}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

install(FILES ${PROJECT_SOURCE_DIR}/cmake/gpusim.bash-completion
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME gpusim)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/ DESTINATION ${CMAKE_INSTALL_DATADIR}/gpusim/scenarios)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The Debian package. Depends: Debian's runtime packages of the libraries
# (yaml-cpp, spdlog, libstdc++, libc), gnuplot-nox for charts, and Debian's
# python3 with pandas for the module.
find_program(GPUSIM_DPKG dpkg)
if(GPUSIM_DPKG)
  execute_process(COMMAND ${GPUSIM_DPKG} --print-architecture OUTPUT_VARIABLE gpusim_deb_arch
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
else()
  set(gpusim_deb_arch amd64)
endif()
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME gpusim)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "gpusim")
set(CPACK_PACKAGE_CONTACT "gpusim maintainers <dev@gpusim>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "simulator of GPU fleets and their economics")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "simulator of GPU fleets and their economics\n GPUs installed over time at data-center sites, rented out under\n contracts, drawing power, earning revenue and costing money, from a YAML\n scenario. Includes the gpusim command, the Python module (import gpusim)\n and the shipped scenarios (/usr/share/gpusim/scenarios).")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${gpusim_deb_arch})
set(CPACK_DEBIAN_FILE_NAME "gpusim_${PROJECT_VERSION}_${gpusim_deb_arch}.deb")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "gnuplot-nox")
# dpkg-shlibdeps adds every library the installed binaries load (yaml-cpp,
# libstdc++, libc), with versions; spdlog, which gpusim links against, is named
# here, as the linker drops it while nothing calls into it.
foreach(lib spdlog)
  find_library(GPUSIM_LIBRARY_${lib} NAMES ${lib})
  if(GPUSIM_DPKG AND GPUSIM_LIBRARY_${lib})
    file(REAL_PATH "${GPUSIM_LIBRARY_${lib}}" gpusim_library_file)
    execute_process(COMMAND ${GPUSIM_DPKG} -S "${gpusim_library_file}" OUTPUT_VARIABLE gpusim_owner
                    RESULT_VARIABLE gpusim_rc ERROR_QUIET)
    if(gpusim_rc EQUAL 0)
      string(REGEX REPLACE ":.*" "" gpusim_owner "${gpusim_owner}")
      string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", ${gpusim_owner}")
    endif()
  endif()
endforeach()
if(GPUSIM_BUILD_PYTHON)
  # The extension is built for this Python (3.11 on Debian 12) only.
  math(EXPR gpusim_python_next "${GPUSIM_PYTHON_MINOR} + 1")
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS
         ", python3 (>= ${GPUSIM_PYTHON_MAJOR}.${GPUSIM_PYTHON_MINOR}), python3 (<< ${GPUSIM_PYTHON_MAJOR}.${gpusim_python_next}), python3-pandas")
endif()
include(CPack)
