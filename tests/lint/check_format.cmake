# Fails if any hand-written C file differs from what clang-format (with the
# repository's .clang-format) would make of it, and lists the files.
file(GLOB_RECURSE files
  ${SOURCE_DIR}/runtime/*.c ${SOURCE_DIR}/runtime/*.h
  ${SOURCE_DIR}/handlers/*.c ${SOURCE_DIR}/handlers/*.h ${SOURCE_DIR}/app/*.c ${SOURCE_DIR}/app/*.h
  ${SOURCE_DIR}/tests/unit/*.c ${SOURCE_DIR}/tests/unit/*.h
  ${SOURCE_DIR}/tests/fuzz/*.c ${SOURCE_DIR}/tests/fuzz/*.h
  ${SOURCE_DIR}/tests/clients/*.c ${SOURCE_DIR}/tools/*.c
  ${SOURCE_DIR}/examples/*.c ${SOURCE_DIR}/examples/*.h)
set(bad "")
foreach(f ${files})
  execute_process(COMMAND ${CLANG_FORMAT} --dry-run --Werror ${f} RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(NOT rc EQUAL 0)
    list(APPEND bad ${f})
  endif()
endforeach()
list(LENGTH files n)
if(n EQUAL 0)
  message(FATAL_ERROR "no C files found under ${SOURCE_DIR}")
endif()
if(bad)
  string(REPLACE ";" "\n  " bad "${bad}")
  message(FATAL_ERROR "not clang-format clean (run clang-format -i on them):\n  ${bad}")
endif()
message(STATUS "${n} files clang-format clean")
