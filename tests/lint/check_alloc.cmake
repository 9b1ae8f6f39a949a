# Fails on a raw malloc/calloc/realloc/strdup/strndup call in the product's C (one memory policy: every
# allocation goes through rt_mem's aborting wrappers, rt_xmalloc and friends), and lists file:line of each.
# Scanned: runtime/, handlers/, app/, tools/, examples/ and generated/ (.c and .h); not tests/, whose
# tests and fuzz targets may allocate as they like.  runtime/core/rt_mem.c is where the wrappers call the
# real thing: it is scanned too, as a check of this scanner, and must show such calls.
#
# A call is the bare name followed by "(" in code (spaces, newlines or a comment may come between, and
# (malloc)(n) counts too): comments and string and character literals are blanked first, and a name inside
# a longer identifier (rt_xmalloc, evbuffer_..., json_object_...) or after "." or "->" is not the C
# library's.  free() is fine.
# SOURCE_DIR: the repository.
cmake_minimum_required(VERSION 3.18) # as the project: while(TRUE) and if() as documented

set(names "malloc|calloc|realloc|strdup|strndup")
set(call_re "(^|[^A-Za-z0-9_.>]|[^-]>)(${names})[ \t\r\n]*\\)?[ \t\r\n]*\\(")
set(wrappers "${SOURCE_DIR}/runtime/core/rt_mem.c")

# @content with its comments and string and character literals replaced by the newlines they hold (so
# that line numbers stay right) or a space.
function(blank_comments_and_literals content out)
  set(code "")
  set(rest "${content}")
  while(TRUE)
    string(REGEX MATCH "\"|'|/\\*|//" tok "${rest}")
    if(tok STREQUAL "")
      string(APPEND code "${rest}")
      break()
    endif()
    string(FIND "${rest}" "${tok}" pos)
    string(SUBSTRING "${rest}" 0 ${pos} before)
    string(SUBSTRING "${rest}" ${pos} -1 rest)
    string(APPEND code "${before}")
    if(tok STREQUAL "/*")
      string(FIND "${rest}" "*/" end)
      if(end EQUAL -1)
        set(skipped "${rest}") # unterminated: the compiler would refuse it
        set(rest "")
      else()
        math(EXPR end "${end} + 2")
        string(SUBSTRING "${rest}" 0 ${end} skipped)
        string(SUBSTRING "${rest}" ${end} -1 rest)
      endif()
    elseif(tok STREQUAL "//")
      string(FIND "${rest}" "\n" end)
      if(end EQUAL -1)
        set(rest "")
      else()
        string(SUBSTRING "${rest}" ${end} -1 rest)
      endif()
      set(skipped "")
    else()
      # A literal ends on its line (a backslash-newline inside it is an escape like any other); a quote
      # that starts none (an apostrophe in #error text) is taken as it is.
      string(REGEX MATCH "^${tok}([^${tok}\\\\\n]|\\\\.)*${tok}" skipped "${rest}")
      if(skipped STREQUAL "")
        set(skipped "${tok}")
        string(APPEND code "${tok}")
      endif()
      string(LENGTH "${skipped}" end)
      string(SUBSTRING "${rest}" ${end} -1 rest)
    endif()
    string(REGEX REPLACE "[^\n]" "" newlines "${skipped}")
    string(APPEND code " ${newlines}")
  endwhile()
  set(${out} "${code}" PARENT_SCOPE)
endfunction()

file(GLOB_RECURSE files
  ${SOURCE_DIR}/runtime/*.c ${SOURCE_DIR}/runtime/*.h
  ${SOURCE_DIR}/handlers/*.c ${SOURCE_DIR}/handlers/*.h ${SOURCE_DIR}/app/*.c ${SOURCE_DIR}/app/*.h
  ${SOURCE_DIR}/tools/*.c ${SOURCE_DIR}/tools/*.h
  ${SOURCE_DIR}/examples/*.c ${SOURCE_DIR}/examples/*.h
  ${SOURCE_DIR}/generated/*.c ${SOURCE_DIR}/generated/*.h)
list(LENGTH files n)
if(n EQUAL 0)
  message(FATAL_ERROR "no C files found under ${SOURCE_DIR}")
endif()
list(FIND files "${wrappers}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${wrappers} not found: rt_mem is where allocation goes")
endif()

set(bad "")
set(in_wrappers 0)
foreach(f ${files})
  file(READ "${f}" content)
  if(NOT content MATCHES "(^|[^A-Za-z0-9_])(${names})([^A-Za-z0-9_]|$)") # most files have not even a mention
    continue()
  endif()
  blank_comments_and_literals("${content}" rest)
  file(RELATIVE_PATH rel "${SOURCE_DIR}" "${f}")
  set(line 1)
  while(TRUE)
    string(REGEX MATCH "${call_re}" hit "${rest}")
    if(hit STREQUAL "")
      break()
    endif()
    string(FIND "${rest}" "${hit}" pos)
    string(REGEX MATCH "${names}" name "${hit}")
    string(FIND "${hit}" "${name}" offset)
    math(EXPR pos "${pos} + ${offset}")
    string(SUBSTRING "${rest}" 0 ${pos} before)
    string(REGEX REPLACE "[^\n]" "" newlines "${before}")
    string(LENGTH "${newlines}" skipped_lines)
    math(EXPR line "${line} + ${skipped_lines}")
    string(LENGTH "${name}" len)
    math(EXPR pos "${pos} + ${len}")
    string(SUBSTRING "${rest}" ${pos} -1 rest)
    if(f STREQUAL wrappers)
      math(EXPR in_wrappers "${in_wrappers} + 1")
    else()
      list(APPEND bad "${rel}:${line}: ${name}()")
    endif()
  endwhile()
endforeach()

if(in_wrappers EQUAL 0)
  message(FATAL_ERROR "no allocation found in ${wrappers}, which makes them all: this check is broken")
endif()
if(bad)
  list(LENGTH bad n_bad)
  string(REPLACE ";" "\n  " bad "${bad}")
  message(FATAL_ERROR "${n_bad} raw allocation(s): use rt_xmalloc, rt_xcalloc, rt_xrealloc, rt_xstrdup or "
                      "rt_xstrndup (rt_mem.h), which abort when memory runs out:\n  ${bad}")
endif()
message(STATUS "${n} files, every allocation through rt_mem (${in_wrappers} calls inside rt_mem.c)")
