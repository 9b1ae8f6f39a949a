# openapi.yaml -> generated/ (committed).  Included from the top-level CMakeLists.txt.
#
# The `codegen` target reruns codegen/gen.py whenever the spec, a template or
# the generator changes.  gen.py rewrites a file only when its content
# changes, so an edit that does not change the output recompiles nothing.
# The generated files are declared as BYPRODUCTS so that Ninja re-checks
# them after the command (restat) instead of using stale timestamps.
#
# Sets ASYNC_DEMO_GENERATED_SOURCES: the generated .c files (a fixed list).

set(ASYNC_DEMO_CODEGEN_DIR ${CMAKE_SOURCE_DIR}/generated)
set(ASYNC_DEMO_CODEGEN_INPUTS
  ${CMAKE_SOURCE_DIR}/openapi.yaml
  ${CMAKE_SOURCE_DIR}/codegen/gen.py
  ${CMAKE_SOURCE_DIR}/codegen/templates/_common.j2
  ${CMAKE_SOURCE_DIR}/codegen/templates/api.h.j2
  ${CMAKE_SOURCE_DIR}/codegen/templates/api_client.h.j2
  ${CMAKE_SOURCE_DIR}/codegen/templates/api_client.c.j2
  ${CMAKE_SOURCE_DIR}/codegen/templates/api_models.h.j2
  ${CMAKE_SOURCE_DIR}/codegen/templates/api_models.c.j2
  ${CMAKE_SOURCE_DIR}/codegen/templates/api_ops.h.j2
  ${CMAKE_SOURCE_DIR}/codegen/templates/api_ops.c.j2
  ${CMAKE_SOURCE_DIR}/codegen/templates/api_spec.c.j2)

set(ASYNC_DEMO_GENERATED_SOURCES
  ${ASYNC_DEMO_CODEGEN_DIR}/api_client.c
  ${ASYNC_DEMO_CODEGEN_DIR}/api_models.c
  ${ASYNC_DEMO_CODEGEN_DIR}/api_ops.c
  ${ASYNC_DEMO_CODEGEN_DIR}/api_spec.c)
set(ASYNC_DEMO_GENERATED_HEADERS
  ${ASYNC_DEMO_CODEGEN_DIR}/api.h
  ${ASYNC_DEMO_CODEGEN_DIR}/api_client.h
  ${ASYNC_DEMO_CODEGEN_DIR}/api_models.h
  ${ASYNC_DEMO_CODEGEN_DIR}/api_ops.h)

add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/codegen.stamp
  BYPRODUCTS ${ASYNC_DEMO_GENERATED_SOURCES} ${ASYNC_DEMO_GENERATED_HEADERS}
  COMMAND ${ASYNC_DEMO_PYTHON} ${CMAKE_SOURCE_DIR}/codegen/gen.py
          --spec ${CMAKE_SOURCE_DIR}/openapi.yaml
          --out ${ASYNC_DEMO_CODEGEN_DIR}
          --stamp ${CMAKE_BINARY_DIR}/codegen.stamp
  DEPENDS ${ASYNC_DEMO_CODEGEN_INPUTS}
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
  COMMENT "Generating generated/ from openapi.yaml"
  VERBATIM)
add_custom_target(codegen DEPENDS ${CMAKE_BINARY_DIR}/codegen.stamp)
