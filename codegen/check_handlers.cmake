# Run after linking an application (see async_demo_check_handlers() in codegen.cmake): every operation of
# its spec should have a handler.  The generated API gives each handle_<operation> a weak default that
# answers 501, so a missing handler still links; this finds those defaults in the binary (nm: "W") and
# names each operation; the same for the verifier of each security scheme (handle_security_<scheme>), whose
# weak default refuses every request.  A warning, or an error when STRICT is on (-DASYNC_DEMO_STRICT_HANDLERS=ON, as CI
# builds).  The names are the generator's, read from the header it wrote: after each operation's
# "/* --- <operationId>: <METHOD> <path>" line comes its prototype "void handle_<C name>(struct rt_req *req...",
# whose C name is not always the operationId (one derived from the path, get_users__user_id_, is
# handle_get_users_user_id).
#   cmake -DNM=nm -DBINARY=<executable> -DHEADER=<generated api_ops.h> -DSTRICT=ON|OFF -P check_handlers.cmake
cmake_minimum_required(VERSION 3.18) # the policies of this version (CMP0007: a list keeps its empty items)
execute_process(COMMAND ${NM} ${BINARY} OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed on ${BINARY}")
endif()
file(STRINGS ${HEADER} lines REGEX "^/\\* --- [a-z0-9_]+: [A-Z]+ [^ ]+|^void handle_[a-z0-9_]+\\(struct rt_req \\*req")
set(missing "")
set(n 0)
set(op "")
foreach(line IN LISTS lines)
  if(line MATCHES "^/\\* --- ([a-z0-9_]+): ([A-Z]+ [^ ]+)")
    set(op "${CMAKE_MATCH_1}")
    set(route "${CMAKE_MATCH_2}")
  elseif(NOT op STREQUAL "" AND line MATCHES "^void (handle_[a-z0-9_]+)\\(")
    set(handler "${CMAKE_MATCH_1}")
    math(EXPR n "${n} + 1")
    if(symbols MATCHES "[0-9a-f]+ [Ww] ${handler}\n")
      # (no ';' in an item: it would split the list)
      list(APPEND missing "  ${op} (${route}): write ${handler}() in a file under handlers/, until then it answers 501")
    endif()
    set(op "")
  endif()
endforeach()
if(n EQUAL 0)
  message(FATAL_ERROR "no operations found in ${HEADER}")
endif()
# A handle_* function the binary defines that is no operation's handler nor a scheme's verifier: a typo
# (handle_get_bookmrk beside the weak handle_get_bookmark) compiles and links silently.  A warning, always.
file(STRINGS ${HEADER} known REGEX "^(void|int) handle_[a-z0-9_]+\\(")
string(REGEX REPLACE "(void|int) (handle_[a-z0-9_]+)\\([^;]*" "\\2" known "${known}")
string(REGEX MATCHALL "[0-9a-f]+ T handle_[A-Za-z0-9_]+\n" defined "${symbols}")
set(strays "")
foreach(line IN LISTS defined)
  string(REGEX REPLACE "^[0-9a-f]+ T (handle_[A-Za-z0-9_]+)\n$" "\\1" fn "${line}")
  list(FIND known "${fn}" at)
  if(at LESS 0)
    list(APPEND strays "  ${fn}() is no operation's handler nor a security scheme's verifier (a typo?)")
  endif()
endforeach()
if(strays)
  list(LENGTH strays n_strays)
  string(REPLACE ";" "\n" strays "${strays}")
  message(WARNING "${n_strays} function(s) of ${BINARY} look like handlers but match nothing in the spec:\n${strays}")
endif()
# The verifier of each security scheme an operation uses: its weak default refuses every request.
file(STRINGS ${HEADER} schemes REGEX "^/\\* --- security [a-z0-9_]+: ")
foreach(line IN LISTS schemes)
  string(REGEX REPLACE "^/\\* --- security ([a-z0-9_]+): (.*) --- \\*/$" "\\1;\\2" parts "${line}")
  list(GET parts 0 scheme)
  list(GET parts 1 what)
  if(symbols MATCHES "[0-9a-f]+ [Ww] handle_security_${scheme}\n")
    list(APPEND missing "  security scheme ${scheme} (${what}): write handle_security_${scheme}() in a file under handlers/, until then it refuses every request (401)")
  endif()
endforeach()
if(missing)
  list(LENGTH missing n_missing)
  string(REPLACE ";" "\n" missing "${missing}")
  set(text "${n_missing} operation(s) or security scheme(s) of the spec have no handler:\n${missing}")
  if(STRICT)
    file(REMOVE ${BINARY}) # so that the next build links and checks again
    message(FATAL_ERROR "${text}\n(ASYNC_DEMO_STRICT_HANDLERS is ON: a missing handler is an error)")
  endif()
  message(WARNING "${text}")
endif()
