# The layers of docs/ARCHITECTURE.md, checked on the includes: a folder of
# src/ may not include the folders listed for it. Run by ctest
# (layering_includes); fails naming every offending line.
#   cmake -DSRC=<src dir> -P check_includes.cmake
#
# Every library links with all of src/ on its include path (includes are
# rooted at src/), so the compiler cannot catch a front end reaching into
# another, or the application into a front end; this does.

cmake_minimum_required(VERSION 3.25)

if(NOT SRC)
  message(FATAL_ERROR "usage: cmake -DSRC=<src dir> -P check_includes.cmake")
endif()

# folder -> folders it may not include
set(lower common storage catalog sync layout entities check writes watch daemon)
foreach(folder IN LISTS lower)
  # Beneath the application: nothing above it.
  set(forbidden_${folder} app wire server api cli)
endforeach()
# The application, beneath both front ends: no front end, no HTTP, and not
# the shapes, which render its results.
set(forbidden_app api cli server wire)
# The JSON shapes: no front end and no transport.
set(forbidden_wire api cli server)
# The HTTP infrastructure knows nothing of the catalog or the application.
set(forbidden_server storage catalog sync layout entities check writes watch
    daemon app wire api cli)
# The HTTP API: the application, its shapes and the HTTP infrastructure,
# never the command line.
set(forbidden_api cli)

set(failures "")
set(checked 0)
foreach(folder IN LISTS lower ITEMS app wire server api)
  if(NOT IS_DIRECTORY "${SRC}/${folder}")
    list(APPEND failures "src/${folder}: missing (the rules name it)")
    continue()
  endif()
  file(GLOB_RECURSE sources RELATIVE "${SRC}"
       "${SRC}/${folder}/*.h" "${SRC}/${folder}/*.cc")
  foreach(source IN LISTS sources)
    math(EXPR checked "${checked} + 1")
    file(STRINGS "${SRC}/${source}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^/\"]+)/.*$" "\\1"
             target "${line}")
      if(target STREQUAL line)
        continue()  # no folder: a header beside it, or a system one in quotes
      endif()
      if(target IN_LIST forbidden_${folder})
        list(APPEND failures "src/${source}: ${line}  (src/${folder} may not include ${target}/)")
      endif()
    endforeach()
  endforeach()
endforeach()

if(checked EQUAL 0)
  message(FATAL_ERROR "no source files under ${SRC}: wrong SRC?")
endif()
if(failures)
  list(LENGTH failures n)
  list(JOIN failures "\n  " listed)
  message(FATAL_ERROR
          "${n} include(s) break the layers (docs/ARCHITECTURE.md):\n  ${listed}")
endif()
message(STATUS "layering: ${checked} files follow the layers")
