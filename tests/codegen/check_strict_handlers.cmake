# codegen.strict_handlers: check_handlers.cmake with STRICT=ON (-DASYNC_DEMO_STRICT_HANDLERS=ON) fails for a
# missing handler of an operation without operationId, named by its real C name (handle_post_reactions_id, not
# one made of the derived operationId post_reactions__id_), counted once, one line per item, and warns of a
# misspelt handler (handle_post_reaction_id) that matches no operation; and passes a binary that has every handler.  Each binary is checked on a copy (a strict failure deletes the binary it checked).
#   cmake -DNM=nm -DCHECK=<codegen/check_handlers.cmake> -DHEADER=<cnames api_ops.h> -DMISSING=<cnames_unhandled>
#         -DCOMPLETE=<test_codegen_cnames> -DWORK=<dir> -P check_strict_handlers.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
foreach(kind MISSING COMPLETE)
  file(COPY ${${kind}} DESTINATION ${WORK}/${kind})
  get_filename_component(name ${${kind}} NAME)
  execute_process(COMMAND ${CMAKE_COMMAND} -DNM=${NM} -DBINARY=${WORK}/${kind}/${name} -DHEADER=${HEADER} -DSTRICT=ON
                          -P ${CHECK}
                  RESULT_VARIABLE rc_${kind} OUTPUT_VARIABLE out ERROR_VARIABLE err_${kind})
endforeach()
if(rc_MISSING EQUAL 0)
  message(FATAL_ERROR "STRICT passed a binary without handle_post_reactions_id:\n${err_MISSING}")
endif()
# (message() indents and spaces out the text: each piece is looked for on its own)
foreach(piece "1 operation(s) or security scheme(s) of the spec have no handler:"
              "  post_reactions__id_ (POST /reactions/{id}): write handle_post_reactions_id() in a file under handlers/, until then it answers 501")
  string(FIND "${err_MISSING}" "${piece}" at)
  if(at LESS 0)
    message(FATAL_ERROR "the strict failure does not say\n${piece}\nit says:\n${err_MISSING}")
  endif()
endforeach()
# the misspelt handler is named (a warning), and no real handler or verifier is
string(FIND "${err_MISSING}" "handle_post_reaction_id() is no operation's handler nor a security scheme's verifier" at)
if(at LESS 0 OR err_COMPLETE MATCHES "look like handlers")
  message(FATAL_ERROR "the misspelt handler is not named, or a real one is:\n${err_MISSING}\n${err_COMPLETE}")
endif()
if(err_MISSING MATCHES "Warning \\(dev\\)" OR err_COMPLETE MATCHES "Warning \\(dev\\)")
  message(FATAL_ERROR "the check warns as a script:\n${err_MISSING}\n${err_COMPLETE}")
endif()
if(err_MISSING MATCHES "\n *until then")
  message(FATAL_ERROR "an item is split over two lines:\n${err_MISSING}")
endif()
if(NOT rc_COMPLETE EQUAL 0)
  message(FATAL_ERROR "STRICT failed a binary with every handler:\n${err_COMPLETE}")
endif()
file(REMOVE_RECURSE ${WORK})
message(STATUS "strict handler check: the missing derived handler is named, a complete binary passes")
