# Installing async-demo like a Debian service, and its .deb (included by the top-level CMakeLists.txt).
#
#   cmake --install build [--prefix /usr]     the layout below
#   cpack --config build/CPackConfig.cmake    build/async-demo_<version>_<arch>.deb (prefix /usr)
#
# Layout (prefix P: /usr/local for cmake --install, /usr in the package):
#   P/bin/async-demo, P/bin/async-demo-client
#   P/share/man/man1/async-demo.1.gz          generated from the binary's option declarations (gen_manpage.py)
#   P/share/doc/async-demo/                   copyright, changelog.gz, README.md, the example configuration
#   /etc/async-demo/async-demo.conf           the example configuration (a conffile: kept on upgrade and dpkg -r)
#   /lib/systemd/system/async-demo.service, async-demo@.service   deploy/'s units, started with that file
#   /var/lib/async-demo                       the state directory (made by the package's postinst, or here)
# /etc, /lib/systemd and /var are absolute: they are the system's, whatever the prefix.

include(GNUInstallDirs)

# async-demo(1): the binary lists its own options; the page is remade whenever the binary changes.
set(ASYNC_DEMO_MAN ${CMAKE_CURRENT_BINARY_DIR}/async-demo.1.gz)
add_custom_command(
  OUTPUT ${ASYNC_DEMO_MAN}
  COMMAND ${ASYNC_DEMO_PYTHON} ${CMAKE_SOURCE_DIR}/packaging/gen_manpage.py $<TARGET_FILE:async-demo>
          ${CMAKE_CURRENT_BINARY_DIR}/async-demo.1
  COMMAND gzip -9nf ${CMAKE_CURRENT_BINARY_DIR}/async-demo.1
  DEPENDS async-demo ${CMAKE_SOURCE_DIR}/packaging/gen_manpage.py
  COMMENT "async-demo.1: the man page from the option declarations")
add_custom_target(async_demo_man ALL DEPENDS ${ASYNC_DEMO_MAN})

set(ASYNC_DEMO_CHANGELOG ${CMAKE_CURRENT_BINARY_DIR}/changelog.gz)
add_custom_command(
  OUTPUT ${ASYNC_DEMO_CHANGELOG}
  COMMAND gzip -9nc ${CMAKE_SOURCE_DIR}/packaging/debian/changelog > ${ASYNC_DEMO_CHANGELOG}
  DEPENDS ${CMAKE_SOURCE_DIR}/packaging/debian/changelog)
add_custom_target(async_demo_changelog ALL DEPENDS ${ASYNC_DEMO_CHANGELOG})

install(TARGETS async-demo async-demo-client RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${ASYNC_DEMO_MAN} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/debian/copyright ${ASYNC_DEMO_CHANGELOG} ${CMAKE_SOURCE_DIR}/README.md
              ${CMAKE_SOURCE_DIR}/docs/async-demo.conf.example
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/async-demo)
# Mode 0640 root:async-demo (it may hold secrets) is set by the package's postinst, once the user exists.
install(FILES ${CMAKE_SOURCE_DIR}/docs/async-demo.conf.example DESTINATION /etc/async-demo RENAME async-demo.conf)

# The units as deploy/ ships them, with the binary where this installation puts it and the installed
# configuration passed with --config.  Written at install time: CMAKE_INSTALL_PREFIX is then the prefix
# of this installation (cpack's /usr, or --prefix), not the one configured.
foreach(unit async-demo.service async-demo@.service)
  install(CODE "
    file(READ \"${CMAKE_SOURCE_DIR}/deploy/${unit}\" unit_text)
    string(REGEX REPLACE \"ExecStart=/usr/local/bin/async-demo\"
           \"ExecStart=\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/async-demo --config /etc/async-demo/async-demo.conf\"
           unit_text \"\${unit_text}\")
    file(WRITE \"\$ENV{DESTDIR}/lib/systemd/system/${unit}\" \"\${unit_text}\")
    message(STATUS \"Installing: \$ENV{DESTDIR}/lib/systemd/system/${unit}\")")
endforeach()
install(DIRECTORY DESTINATION /var/lib/async-demo) # 0750 async-demo:async-demo by the postinst

# --- the .deb ---
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME async-demo)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "async-demo developers <maintainers@async-demo.example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "spec-first asynchronous HTTP service in C")
set(CPACK_PACKAGE_DESCRIPTION
    "The FastAPI async tutorial's service, built from its OpenAPI document: routing,\nvalidation and answers generated from the spec, one libevent loop per core,\nSQLite or PostgreSQL without blocking, background tasks that survive restarts.\nServes Swagger UI and ReDoc offline.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON) # the runtime libraries (libevent, libpq...), never the -dev packages
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_SOURCE_DIR}/packaging/debian/postinst
                                       ${CMAKE_SOURCE_DIR}/packaging/debian/postrm
                                       ${CMAKE_SOURCE_DIR}/packaging/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
