# Writes the gpusim(1) man page from the command's own help:
#   cmake -DGPUSIM=path/to/gpusim -DOUT=gpusim.1 -P cmake/manpage.cmake
# NAME and SYNOPSIS from `gpusim --help`, then each subcommand's --help under
# COMMANDS, the shared footer (exit status, docs) once at the end.

function(gpusim_help out_var)
  execute_process(COMMAND ${GPUSIM} ${ARGN} --help OUTPUT_VARIABLE text RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gpusim ${ARGN} --help failed (${rc})")
  endif()
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

# Help text as roff lines: backslashes escaped, lines starting with . or ' guarded.
function(gpusim_roff out_var text)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  string(REPLACE "—" "\\-" text "${text}")
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

gpusim_help(main)
execute_process(COMMAND ${GPUSIM} --version OUTPUT_VARIABLE version OUTPUT_STRIP_TRAILING_WHITESPACE)

# The footer every help ends with ("Exit status: …").
string(FIND "${main}" "\nExit status:" footer_at)
string(SUBSTRING "${main}" ${footer_at} -1 footer)
string(SUBSTRING "${main}" 0 ${footer_at} main_body)
string(STRIP "${footer}" footer)

# "gpusim — a simulator …" is the first line; the synopsis is on "Usage: ".
string(REGEX MATCH "^[^\n]*" title "${main_body}")
string(REGEX REPLACE "^gpusim[^a-zA-Z]*" "" summary "${title}")
string(REGEX MATCH "Usage: gpusim ([^\n]*)" _ "${main_body}")
set(usage "${CMAKE_MATCH_1}")

# Subcommand names: the first word of each line of the "Subcommands:" block.
string(FIND "${main_body}" "Subcommands:\n" sub_at)
string(SUBSTRING "${main_body}" ${sub_at} -1 sub_block)
string(REGEX MATCHALL "\n  [a-z]+ " sub_lines "${sub_block}")
set(commands "")
foreach(line ${sub_lines})
  string(STRIP "${line}" name)
  list(APPEND commands ${name})
endforeach()

gpusim_roff(main_roff "${main_body}")
gpusim_roff(footer_roff "${footer}")
set(page ".TH GPUSIM 1 \"\" \"${version}\" \"User Commands\"
.SH NAME
gpusim \\- ${summary}
.SH SYNOPSIS
.B gpusim
${usage}
.SH DESCRIPTION
gpusim runs YAML scenarios of GPU fleets: utilization, power, energy and money,
goal-seek, sweeps and Monte Carlo. The shipped scenarios are in
share/gpusim/scenarios under the install prefix (/usr/share/gpusim/scenarios
from the Debian package), the documentation in share/doc/gpusim.
.PP
.nf
${main_roff}
.fi
.SH COMMANDS
")
foreach(name ${commands})
  gpusim_help(help ${name})
  string(FIND "${help}" "\nExit status:" at)
  if(at GREATER -1)
    string(SUBSTRING "${help}" 0 ${at} help)
  endif()
  gpusim_roff(help_roff "${help}")
  string(APPEND page ".SS gpusim ${name}\n.nf\n${help_roff}\n.fi\n")
endforeach()
string(APPEND page ".SH EXIT STATUS\n.nf\n${footer_roff}\n.fi\n.SH SEE ALSO\n"
                   "The Python module: python3 -c 'import gpusim; help(gpusim)'.\n")
file(WRITE ${OUT} "${page}")
