# Documentation assets (Swagger UI for /docs, ReDoc for /redoc), embedded in the binary.
#
# The files come from ${ASYNC_DEMO_NODE_MODULES} (the repository's node_modules), installed from package-lock.json by `npm ci`
# (or `./demo setup`).  They are pulled into one object with the assembler's .incbin, not turned into C
# arrays: docs_assets.S is written here, at configure time, and names the files; their bytes are read when
# it is assembled.  Each asset is also gzip-compressed at build time (gzip -9n: no name, no timestamp,
# so the output is reproducible) and embedded a second time, for clients that accept gzip.
#
# Symbols (see runtime/docs/rt_docs.c): for every asset ID below, rt_docs_asset_<ID> with its length
# rt_docs_asset_<ID>_size, and rt_docs_asset_<ID>_gz with rt_docs_asset_<ID>_gz_size (size_t; both blobs
# NUL-terminated, the NUL not counted), plus
# the package versions rt_docs_swagger_ui_version and rt_docs_redoc_version (NUL-terminated strings), which
# rt_docs.c puts into the asset URLs.
#
# Sets ASYNC_DEMO_DOCS_ASSET_SOURCES (the generated .S file) for the async_demo_runtime library.
#
# Run as a script (cmake -DGZIP=... -DIN=... -DOUT=... -P docs_assets.cmake) it compresses one file;
# the build uses that mode for the .gz copies.

if(CMAKE_SCRIPT_MODE_FILE)
  execute_process(COMMAND "${GZIP}" -9 -n -c "${IN}" OUTPUT_FILE "${OUT}.tmp" RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    file(REMOVE "${OUT}.tmp")
    message(FATAL_ERROR "gzip ${IN} failed: ${_rc}")
  endif()
  file(RENAME "${OUT}.tmp" "${OUT}")
  return()
endif()

option(ASYNC_DEMO_DOCS_GZIP "Embed gzip-compressed copies of the documentation assets as well" ON)

set(_docs_dir "${CMAKE_CURRENT_BINARY_DIR}/docs_assets")

# ID, file under node_modules.  rt_docs.c knows these IDs.
set(_docs_assets
  swagger_ui_bundle_js  swagger-ui-dist/swagger-ui-bundle.js
  swagger_ui_css        swagger-ui-dist/swagger-ui.css
  swagger_oauth2_js     swagger-ui-dist/oauth2-redirect.js
  swagger_favicon_png   swagger-ui-dist/favicon-32x32.png
  redoc_standalone_js   redoc/bundles/redoc.standalone.js)

set(_docs_packages swagger-ui-dist redoc)

# Check everything is installed, with the fix in the message.  The files are also configure
# dependencies, so removing or updating node_modules later re-runs this check on the next build.
set(_docs_missing "")
set(_docs_inputs "")
foreach(pkg IN LISTS _docs_packages)
  list(APPEND _docs_inputs "${ASYNC_DEMO_NODE_MODULES}/${pkg}/package.json")
endforeach()
set(_docs_list ${_docs_assets})
while(_docs_list)
  list(POP_FRONT _docs_list _id _file)
  list(APPEND _docs_inputs "${ASYNC_DEMO_NODE_MODULES}/${_file}")
endwhile()
foreach(f IN LISTS _docs_inputs)
  if(NOT EXISTS "${f}")
    list(APPEND _docs_missing "${f}")
  endif()
endforeach()
if(_docs_missing)
  list(JOIN _docs_missing "\n  " _docs_missing_text)
  message(FATAL_ERROR
    "The documentation assets (Swagger UI, ReDoc) are not installed:\n  ${_docs_missing_text}\n"
    "Install them from package-lock.json: run `npm ci` in ${ASYNC_DEMO_NODE_MODULES}/.. (or `./demo setup`), "
    "then build again; or build without them: -DASYNC_DEMO_DOCS=OFF.")
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_docs_inputs} "${ASYNC_DEMO_PACKAGE_LOCK}")

# The installed versions, for the versioned asset URLs (/static/swagger-ui-<version>/...).
foreach(pkg IN LISTS _docs_packages)
  file(READ "${ASYNC_DEMO_NODE_MODULES}/${pkg}/package.json" _json)
  if(NOT _json MATCHES "\"version\"[ \t\r\n]*:[ \t\r\n]*\"([0-9A-Za-z.+-]+)\"")
    message(FATAL_ERROR "No version in ${ASYNC_DEMO_NODE_MODULES}/${pkg}/package.json; run `npm ci` again.")
  endif()
  set(_installed "${CMAKE_MATCH_1}")
  # The version package-lock.json pins: a stale node_modules would embed other files than it says.
  file(READ "${ASYNC_DEMO_PACKAGE_LOCK}" _lock)
  if(_lock MATCHES "\"node_modules/${pkg}\"[ \t\r\n]*:[ \t\r\n]*{[ \t\r\n]*\"version\"[ \t\r\n]*:[ \t\r\n]*\"([^\"]+)\""
     AND NOT CMAKE_MATCH_1 STREQUAL _installed)
    message(FATAL_ERROR "node_modules/${pkg} is ${_installed} but package-lock.json pins ${CMAKE_MATCH_1}: "
                        "run `npm ci` in ${ASYNC_DEMO_NODE_MODULES}/.. (or `./demo setup`), then build again.")
  endif()
  string(MAKE_C_IDENTIFIER "${pkg}" _pkg_id)
  set(_docs_version_${_pkg_id} "${_installed}")
endforeach()
message(STATUS "Documentation assets: swagger-ui-dist ${_docs_version_swagger_ui_dist}, redoc ${_docs_version_redoc}")

if(ASYNC_DEMO_DOCS_GZIP)
  find_program(ASYNC_DEMO_GZIP gzip REQUIRED)
endif()

# Quote a path for the assembler's .incbin "...".
function(_docs_asm_string out path)
  string(REPLACE "\\" "\\\\" path "${path}")
  string(REPLACE "\"" "\\\"" path "${path}")
  set(${out} "\"${path}\"" PARENT_SCOPE)
endfunction()

# Emit one embedded blob: sym, followed by a NUL that is not part of it, and sym_size, its length as a
# size_t computed by the assembler (so C never subtracts pointers to two different objects).
function(_docs_asm_blob out sym path)
  _docs_asm_string(_q "${path}")
  set(${out} "${${out}}
    .globl ${sym}
    .type ${sym}, @object
    .balign 16
${sym}:
    .incbin ${_q}
.L${sym}_end:
    .byte 0
    .size ${sym}, . - ${sym}
    .globl ${sym}_size
    .type ${sym}_size, @object
    .balign 8
${sym}_size:
    .quad .L${sym}_end - ${sym}
    .size ${sym}_size, 8
" PARENT_SCOPE)
endfunction()

set(_asm "/* Generated by runtime/docs_assets.cmake from node_modules. DO NOT EDIT! */
    .section .rodata.rt_docs_assets, \"a\"
    .globl rt_docs_swagger_ui_version
    .type rt_docs_swagger_ui_version, @object
rt_docs_swagger_ui_version:
    .asciz \"${_docs_version_swagger_ui_dist}\"
    .size rt_docs_swagger_ui_version, . - rt_docs_swagger_ui_version
    .globl rt_docs_redoc_version
    .type rt_docs_redoc_version, @object
rt_docs_redoc_version:
    .asciz \"${_docs_version_redoc}\"
    .size rt_docs_redoc_version, . - rt_docs_redoc_version
")
set(_docs_object_depends "")
set(_docs_list ${_docs_assets})
while(_docs_list)
  list(POP_FRONT _docs_list _id _file)
  set(_src "${ASYNC_DEMO_NODE_MODULES}/${_file}")
  _docs_asm_blob(_asm "rt_docs_asset_${_id}" "${_src}")
  list(APPEND _docs_object_depends "${_src}")
  if(ASYNC_DEMO_DOCS_GZIP)
    set(_gz "${_docs_dir}/${_id}.gz")
    add_custom_command(
      OUTPUT "${_gz}"
      COMMAND "${CMAKE_COMMAND}" -DGZIP=${ASYNC_DEMO_GZIP} -DIN=${_src} -DOUT=${_gz}
              -P "${CMAKE_CURRENT_LIST_FILE}"
      DEPENDS "${_src}" "${CMAKE_CURRENT_LIST_FILE}"
      COMMENT "Compressing ${_file}"
      VERBATIM)
    _docs_asm_blob(_asm "rt_docs_asset_${_id}_gz" "${_gz}")
    list(APPEND _docs_object_depends "${_gz}")
  else()
    # No compressed copy: an empty blob, which rt_docs.c takes as "serve uncompressed only".
    string(APPEND _asm "
    .globl rt_docs_asset_${_id}_gz
    .globl rt_docs_asset_${_id}_gz_size
rt_docs_asset_${_id}_gz:
    .byte 0
    .balign 8
rt_docs_asset_${_id}_gz_size:
    .quad 0
")
  endif()
endwhile()
string(APPEND _asm "
    .section .note.GNU-stack, \"\", @progbits
")

set(_docs_asm_file "${_docs_dir}/docs_assets.S")
file(WRITE "${_docs_asm_file}.new" "${_asm}")
configure_file("${_docs_asm_file}.new" "${_docs_asm_file}" COPYONLY) # rewritten only when it changed
set_source_files_properties("${_docs_asm_file}" PROPERTIES
  GENERATED TRUE
  OBJECT_DEPENDS "${_docs_object_depends}")

set(ASYNC_DEMO_DOCS_ASSET_SOURCES "${_docs_asm_file}")
