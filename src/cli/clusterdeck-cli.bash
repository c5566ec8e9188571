# bash completion for clusterdeck-cli                    -*- shell-script -*-
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installed as share/bash-completion/completions/clusterdeck-cli. Completes
# the commands, their options, and the names of organizations and instances.
# Everything is asked of the program itself, so that completion never
# disagrees with it: the commands and options from its --help (read in
# English: LC_ALL=C.UTF-8), the names from `clusterdeck-cli org list` and
# `clusterdeck-cli instance list` (tab-separated, first column; no JSON
# parser needed). It needs nothing from the bash-completion package.

# _clusterdeck_cli_run CLI ARGS...: the program's output in English.
_clusterdeck_cli_run()
{
    LC_ALL=C.UTF-8 LANGUAGE= "$@" 2>/dev/null
}

# _clusterdeck_cli_commands CLI [FAMILY]: the words that may come next, a
# line each: the commands and families, or the subcommands of FAMILY.
_clusterdeck_cli_commands()
{
    _clusterdeck_cli_run "$1" --help | awk -v family="$2" '
        /^Commands:$/ { on = 1; next }
        on && !/^  / { exit }
        on && /^  [a-z]/ {
            if (family == "") print $1
            else if ($1 == family && $2 ~ /^[a-z][a-z-]*$/) print $2
        }' | sort -u
}

# _clusterdeck_cli_options CLI WORDS...: the options of a command (of the
# program when WORDS is empty), a line each; an option that takes a value is
# written --name=VALUE.
_clusterdeck_cli_options()
{
    _clusterdeck_cli_run "$@" --help | sed -n -E \
        -e 's/^  +(-[[:alnum:]?], )?(--[[:alnum:]-]+(=[^ ]+)?) .*/\2/p' \
        -e 's/^  +(--[[:alnum:]-]+(=[^ ]+)?)$/\1/p'
}

# _clusterdeck_cli_parameters CLI WORDS...: the positional parameters of a
# command, from its usage line ("NAME PEER DATABASE[.TABLE]"), brackets and
# options left out.
_clusterdeck_cli_parameters()
{
    local usage token group=0 skip=0 seen=0
    usage=$(_clusterdeck_cli_run "$@" --help | sed -n '2p')
    for token in $usage; do
        if [[ $seen == 0 ]]; then
            [[ $token == "[OPTION"* ]] && seen=1
            continue
        fi
        if [[ $group == 1 ]]; then
            [[ $token == *"]" ]] && group=0
            continue
        fi
        if [[ $skip == 1 ]]; then
            skip=0
            continue
        fi
        case $token in
            "[-"*) [[ $token == *"]" ]] || group=1 ;;
            -*) skip=1 ;;
            *) token=${token#[}; printf '%s\n' "${token%]}" ;;
        esac
    done
}

# _clusterdeck_cli_names CLI org|instance: the names, a line each; an
# instance both as NAME and as ORG/NAME.
_clusterdeck_cli_names()
{
    if [[ $2 == org ]]; then
        _clusterdeck_cli_run "$1" org list | cut -f1
    else
        _clusterdeck_cli_run "$1" instance list | cut -f1 | sed -e 'p' -e 's|^[^/]*/||' | sort -u
    fi
}

# _clusterdeck_cli_reply CUR: COMPREPLY from the lines on standard input
# that start with CUR (fed by a process substitution: a pipe would run it in
# a subshell, whose COMPREPLY is lost).
_clusterdeck_cli_reply()
{
    local line
    COMPREPLY=()
    while IFS= read -r line; do
        [[ -n $line && $line == "$1"* ]] && COMPREPLY+=("$line")
    done
}

_clusterdeck_cli()
{
    local cli=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]}
    local -a command=() arguments=() takes_value=()
    local i word family="" complete_command=0 option value_of=""

    # The words before the cursor: the command (a family takes a second
    # word), options (one that takes a value takes the next word, unless
    # written --name=VALUE), and the arguments.
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        # "--org=ORG": bash splits the word at "=" (COMP_WORDBREAKS).
        [[ $word == "=" ]] && continue
        if [[ -n $value_of ]]; then
            value_of=""
            continue
        fi
        if [[ $word == -* ]]; then
            if [[ $word != *=* ]]; then
                for option in "${takes_value[@]}"; do
                    [[ $option == "$word" ]] && value_of=$word
                done
            fi
            continue
        fi
        if [[ ${#command[@]} == 0 ]]; then
            command=("$word")
            if _clusterdeck_cli_commands "$cli" "$word" | grep -q .; then
                family=$word
            fi
        elif [[ -n $family && ${#command[@]} == 1 ]]; then
            command+=("$word")
        else
            arguments+=("$word")
        fi
        if [[ ${#command[@]} -gt 0 && ( -z $family || ${#command[@]} == 2 ) ]]; then
            mapfile -t takes_value < <(_clusterdeck_cli_options "$cli" "${command[@]}" |
                                       sed -n 's/=.*//p')
        fi
    done

    # The value of an option: names of organizations, or the choices.
    [[ $cur == "=" ]] && cur=""
    if [[ -n $value_of ]]; then
        value_of=$(_clusterdeck_cli_options "$cli" "${command[@]}" |
                   sed -n "s/^$value_of=//p")
        case $value_of in
            ORG) _clusterdeck_cli_reply "$cur" < <(_clusterdeck_cli_names "$cli" org) ;;
            *"|"*) _clusterdeck_cli_reply "$cur" < <(tr '|' '\n' <<<"$value_of") ;;
            *) COMPREPLY=() ;;
        esac
        return
    fi

    if [[ $cur == -* ]]; then
        _clusterdeck_cli_reply "$cur" < <(_clusterdeck_cli_options "$cli" "${command[@]}" | sed 's/=.*//')
        return
    fi

    if [[ ${#command[@]} == 0 ]]; then
        complete_command=1
    elif [[ -n $family && ${#command[@]} == 1 ]]; then
        _clusterdeck_cli_reply "$cur" < <(_clusterdeck_cli_commands "$cli" "$family")
        return
    fi
    if [[ $complete_command == 1 ]]; then
        _clusterdeck_cli_reply "$cur" < <(_clusterdeck_cli_commands "$cli")
        return
    fi

    # An argument: the parameter at its place in the usage line.
    local -a parameters
    mapfile -t parameters < <(_clusterdeck_cli_parameters "$cli" "${command[@]}")
    case ${parameters[${#arguments[@]}]:-} in
        NAME | PEER)
            if [[ $family == org ]]; then
                _clusterdeck_cli_reply "$cur" < <(_clusterdeck_cli_names "$cli" org)
            else
                _clusterdeck_cli_reply "$cur" < <(_clusterdeck_cli_names "$cli" instance)
            fi
            ;;
        ORG) _clusterdeck_cli_reply "$cur" < <(_clusterdeck_cli_names "$cli" org) ;;
        *) COMPREPLY=() ;;
    esac
}

complete -F _clusterdeck_cli clusterdeck-cli
