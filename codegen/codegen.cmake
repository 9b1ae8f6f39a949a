# codegen/ as a CMake function: one OpenAPI document -> one library of generated C.
#
#   async_demo_generate(<target> SPEC <openapi.yaml> OUT <dir> [LAX])
#
# LAX: JSON bodies get pydantic's lax conversions ("3" for an integer, 1 for a boolean: gen.py --lax)
# instead of JSON Schema's strict types.
# makes a static library <target> of the generated code (api_*.c in <dir>),
# with <dir> on its include path, linked to the runtime (async_demo_runtime,
# which must exist).  The files are rewritten whenever the spec, a template or
# the generator (gen.py, openapi_c/*.py) changes; gen.py rewrites a file only when its content changes,
# so an edit that does not change the output recompiles nothing.  The files
# are BYPRODUCTS so that Ninja re-checks them after the command (restat).
#
# The service's own <dir> is generated/, committed (codegen_up_to_date checks
# it); the example service and the test fixture generate into the build tree.
#
#   async_demo_check_handlers(<executable> API <target>)
#
# checks, each time <executable> is linked, that every operation of the API library <target> has a handler
# (check_handlers.cmake): a warning naming each operation without one, or an error when
# ASYNC_DEMO_STRICT_HANDLERS is ON (CI builds that way).
#
# Sets ASYNC_DEMO_CODEGEN_INPUTS (the generator: gen.py and its package openapi_c/ with its bundled meta-schemas, its
# templates, and runtime/valid/rt_valid.h, where RT_CODEGEN_ABI is defined) for
# callers that need them.

option(ASYNC_DEMO_STRICT_HANDLERS "A spec operation without a handler fails the build (else: a warning)" OFF)

set(ASYNC_DEMO_CODEGEN_ROOT ${CMAKE_CURRENT_LIST_DIR})
file(GLOB ASYNC_DEMO_CODEGEN_INPUTS CONFIGURE_DEPENDS ${ASYNC_DEMO_CODEGEN_ROOT}/gen.py
     ${ASYNC_DEMO_CODEGEN_ROOT}/openapi_c/*.py ${ASYNC_DEMO_CODEGEN_ROOT}/openapi_c/metaschema/*.json
     ${ASYNC_DEMO_CODEGEN_ROOT}/openapi_c/oas/*/*.yaml
     ${ASYNC_DEMO_CODEGEN_ROOT}/templates/*.j2)
# gen.py reads RT_CODEGEN_ABI from the runtime's header (build.codegen_abi): a bump there regenerates.
list(APPEND ASYNC_DEMO_CODEGEN_INPUTS ${ASYNC_DEMO_CODEGEN_ROOT}/../runtime/valid/rt_valid.h
     ${ASYNC_DEMO_CODEGEN_ROOT}/../runtime/valid/rt_valid_pattern.h)

function(async_demo_generate target)
  cmake_parse_arguments(GEN "LAX" "SPEC;OUT" "" ${ARGN})
  if(NOT GEN_SPEC OR NOT GEN_OUT)
    message(FATAL_ERROR "async_demo_generate(${target} SPEC <file> OUT <dir> [LAX])")
  endif()
  set(sources ${GEN_OUT}/api_client.c ${GEN_OUT}/api_models.c ${GEN_OUT}/api_ops.c ${GEN_OUT}/api_spec.c)
  set(headers ${GEN_OUT}/api.h ${GEN_OUT}/api_client.h ${GEN_OUT}/api_models.h ${GEN_OUT}/api_ops.h)
  set(stamp ${CMAKE_CURRENT_BINARY_DIR}/${target}.codegen.stamp)
  set(lax)
  if(GEN_LAX)
    set(lax --lax)
  endif()
  add_custom_command(
    OUTPUT ${stamp}
    BYPRODUCTS ${sources} ${headers}
    COMMAND ${ASYNC_DEMO_PYTHON} ${ASYNC_DEMO_CODEGEN_ROOT}/gen.py --spec ${GEN_SPEC} --out ${GEN_OUT}
            --stamp ${stamp} --depfile ${stamp}.d ${lax}
    DEPENDS ${GEN_SPEC} ${ASYNC_DEMO_CODEGEN_INPUTS}
    DEPFILE ${stamp}.d # the other files the spec's $ref read
    COMMENT "Generating ${GEN_OUT} from ${GEN_SPEC}"
    VERBATIM)
  add_custom_target(${target}_codegen DEPENDS ${stamp})
  add_library(${target} STATIC ${sources})
  target_include_directories(${target} PUBLIC ${GEN_OUT})
  target_link_libraries(${target} PUBLIC async_demo_runtime)
  add_dependencies(${target} ${target}_codegen)
  set_target_properties(${target} PROPERTIES ASYNC_DEMO_API_HEADER ${GEN_OUT}/api_ops.h)
endfunction()

function(async_demo_check_handlers executable)
  cmake_parse_arguments(CHK "" "API" "" ${ARGN})
  get_target_property(header ${CHK_API} ASYNC_DEMO_API_HEADER)
  add_custom_command(TARGET ${executable} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -DNM=${CMAKE_NM} -DBINARY=$<TARGET_FILE:${executable}> -DHEADER=${header}
            -DSTRICT=${ASYNC_DEMO_STRICT_HANDLERS} -P ${ASYNC_DEMO_CODEGEN_ROOT}/check_handlers.cmake
    COMMENT "Checking that every operation of ${CHK_API} has a handler"
    VERBATIM)
endfunction()
