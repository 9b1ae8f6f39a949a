# Fails if a layer exports a global symbol outside its prefix (STYLE.md: one prefix per module; file-private
# functions are static):
#   the runtime library        rt_
#   the generated API library  api_, and handle_ for its weak 501 defaults
#   handlers/<name>.c          handle_ (the operations' handlers) or <name>_ (up to its first '_')
#   app/main.c                 main only
# LIBRARIES: the libraries and object files to check (a ;-list).
set(total 0)
set(bad "")
foreach(file IN LISTS LIBRARIES)
  execute_process(COMMAND ${NM} -g --defined-only ${file} OUTPUT_VARIABLE out RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "nm failed on ${file}")
  endif()
  get_filename_component(base "${file}" NAME)
  string(REGEX REPLACE "\\..*$" "" base "${base}") # users.c.o -> users
  if(base MATCHES "async_demo_runtime")
    set(allowed "^rt_")
  elseif(base MATCHES "async_demo_api")
    set(allowed "^(api_|handle_)") # handle_*: the weak defaults that answer 501
  elseif(file MATCHES "/app/")
    set(allowed "^main$")
  else()
    string(REGEX REPLACE "_.*$" "" word "${base}")
    set(allowed "^(handle_|${word}_)")
  endif()
  string(REGEX MATCHALL "[0-9a-f]+ [A-Za-z] [^\n]+" symbols "${out}")
  foreach(line ${symbols})
    string(REGEX REPLACE "^[0-9a-f]+ [A-Za-z] " "" name "${line}")
    math(EXPR total "${total} + 1")
    # Sanitizer builds add instrumentation globals of their own (__odr_asan.x, __asan_*, ...).
    if(NOT name MATCHES "${allowed}" AND NOT name MATCHES "^__(odr_asan|asan|ubsan|sancov)")
      list(APPEND bad "${name} (${base}: expected ${allowed})")
    endif()
  endforeach()
endforeach()
if(total EQUAL 0)
  message(FATAL_ERROR "no symbols found in ${LIBRARIES}")
endif()
if(bad)
  string(REPLACE ";" "\n  " bad "${bad}")
  message(FATAL_ERROR "global symbols without their layer's prefix (make them static or prefix them):\n  ${bad}")
endif()
message(STATUS "${total} global symbols, all prefixed")
