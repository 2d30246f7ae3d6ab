#!/usr/bin/env python3
"""Consumer tests: ctgrad used from an install prefix, as other projects use it.

    consumers.py inputs SOURCE
    consumers.py install --work DIR --source DIR --meson MESON --compiler CXX...
    consumers.py CASE    --work DIR --source DIR --meson MESON --compiler CXX...

`install` (a build step of the outer build, run before the tests) sets up ctgrad in
DIR/ctgrad-build with -Dtests=disabled (nothing to compile) for the prefix /nonexistent/ctgrad,
installs it with --destdir, and moves the tree to DIR/prefix. Every case then uses DIR/prefix,
a prefix that has been moved: a path fixed at install time would point into /nonexistent.

`inputs` lists the files that the install copies or reads, for meson to rerun it when one changes.

Each CASE works in DIR/CASE, prints what it runs, and exits 0 (passed), 1 (failed) or 77
(skipped: cmake or pkg-config is not installed).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
INSTALL_PREFIX = '/nonexistent/ctgrad'  # the prefix meson is told; the files never live there
EXPECTED = 'ctgrad {version}: loss 30, gradient -30'
ERROR_COUNTED = re.compile(r'(^|: )(fatal )?error[:\]]')  # "file:1:2: fatal error: ...", not notes


class Failure(Exception):
    pass


def run(command, cwd=None, env=None, check=True):
    """Runs command, printing it and its output; returns (exit code, output)."""
    print('$ ' + ' '.join(command), flush=True)
    result = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    if result.stdout:
        print(result.stdout.rstrip('\n'))
    if check and result.returncode != 0:
        raise Failure(f'exit code {result.returncode}: ' + ' '.join(command))
    return result.returncode, result.stdout


def fresh_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def copy_project(name, dest, *extra_files):
    """A consumer project: the files of tests/consumer/NAME, plus shared sources, in dest."""
    fresh_dir(dest)
    source = os.path.join(HERE, name)
    for entry in os.listdir(source):
        shutil.copy(os.path.join(source, entry), dest)
    for entry in ('consumer.cpp',) + extra_files:
        shutil.copy(os.path.join(HERE, entry), dest)
    return dest


def require_program(name):
    path = shutil.which(name)
    if path is None:
        print(f'SKIP: {name} is not installed')
        sys.exit(SKIP)
    return path


def check_output(output, version):
    if EXPECTED.format(version=version) not in output:
        raise Failure('expected the line "' + EXPECTED.format(version=version) + '"')


def compile_commands(build_dir):
    with open(os.path.join(build_dir, 'compile_commands.json'), encoding='utf-8') as f:
        return [entry['command'] for entry in json.load(f)]


def compiler_env(args):
    env = dict(os.environ)
    env['CXX'] = ' '.join(args.compiler)
    return env


# --- the install fixture


def install(args):
    build = os.path.join(args.work, 'ctgrad-build')
    stage = os.path.join(args.work, 'stage')
    prefix = os.path.join(args.work, 'prefix')
    # A build directory set up before is reused: meson regenerates it when meson.build changed.
    if not os.path.exists(os.path.join(build, 'meson-private', 'coredata.dat')):
        shutil.rmtree(build, ignore_errors=True)
        run(args.meson + ['setup', build, args.source, '--prefix', INSTALL_PREFIX,
                          '-Dtests=disabled', '-Dbenchmarks=disabled'], env=compiler_env(args))
    fresh_dir(stage)
    run(args.meson + ['install', '-C', build, '--destdir', stage, '--quiet'])
    shutil.rmtree(prefix, ignore_errors=True)
    os.rename(stage + INSTALL_PREFIX, prefix)
    shutil.rmtree(stage)
    with open(args.stamp, 'w', encoding='utf-8') as f:
        f.write(prefix + '\n')


# --- the cases


def case_cmake(args, work):
    """find_package(ctgrad 0.1 CONFIG) and ctgrad::ctgrad: built, run, and C++23 kept."""
    cmake = require_program('cmake')
    project = copy_project('cmake', os.path.join(work, 'project'))
    build = os.path.join(work, 'build')
    run([cmake, '-S', project, '-B', build, '-DCMAKE_PREFIX_PATH=' + args.prefix,
         '-DCMAKE_CXX_COMPILER=' + args.compiler[-1]] +
        (['-DCMAKE_CXX_COMPILER_LAUNCHER=' + ';'.join(args.compiler[:-1])]
         if len(args.compiler) > 1 else []))
    run([cmake, '--build', build])
    _, output = run([os.path.join(build, 'consumer')])
    check_output(output, args.version)


def case_cmake_version(args, work):
    """A request the installed version does not meet gets CMake's version error."""
    cmake = require_program('cmake')
    project = copy_project('cmake_version', os.path.join(work, 'project'))
    # 1.0: a newer major version; 0.2: a newer minor one, which a 0.x version does not meet.
    for request in ('1.0', '0.2'):
        build = fresh_dir(os.path.join(work, 'build-' + request))
        code, output = run([cmake, '-S', project, '-B', build, '-DCTGRAD_REQUEST=' + request,
                            '-DCMAKE_PREFIX_PATH=' + args.prefix], check=False)
        message = f'compatible with requested version "{request}"'
        words = ' '.join(output.split())  # CMake wraps its messages
        if code == 0 or message not in words or 'version: ' + args.version not in words:
            raise Failure(f'expected CMake to refuse version {args.version} for a request of '
                          f'{request}, saying "{message}"')


def case_pkgconfig(args, work):
    """dependency('ctgrad') through pkg-config; the consumer's -std=c++2b is not overridden."""
    require_program('pkg-config')
    project = copy_project('meson_pkgconfig', os.path.join(work, 'project'))
    build = os.path.join(work, 'build')
    env = compiler_env(args)
    env['PKG_CONFIG_PATH'] = os.path.join(args.prefix, 'share', 'pkgconfig')
    run(args.meson + ['setup', build, project, '--buildtype=plain'], env=env)
    run(args.meson + ['compile', '-C', build], env=env)
    for command in compile_commands(build):
        if '-std=c++20' in command or '-std=gnu++20' in command:
            raise Failure('a -std for C++20 reached the consumer\'s compile line: ' + command)
    _, output = run([os.path.join(build, 'consumer')])
    check_output(output, args.version)


def case_subproject(args, work):
    """ctgrad in subprojects/: no target or test of ctgrad's own, no ctgrad compile flag."""
    project = copy_project('meson_subproject', os.path.join(work, 'project'))
    os.makedirs(os.path.join(project, 'subprojects'))
    os.symlink(args.source, os.path.join(project, 'subprojects', 'ctgrad'))
    build = os.path.join(work, 'build')
    # --force-fallback-for: the subproject even where a ctgrad is installed on the system.
    run(args.meson + ['setup', build, project, '--buildtype=plain',
                      '--force-fallback-for=ctgrad'], env=compiler_env(args))
    _, targets = run(args.meson + ['introspect', build, '--targets'])
    names = sorted(target['name'] for target in json.loads(targets))
    if names != ['consumer']:
        raise Failure(f'expected the consumer\'s target alone, got {names}')
    _, tests = run(args.meson + ['introspect', build, '--tests'])
    if json.loads(tests):
        raise Failure('ctgrad registered tests in the consumer\'s build')
    run(args.meson + ['compile', '-C', build])
    for command in compile_commands(build):
        if '-ffp-contract' in command:
            raise Failure('ctgrad\'s own -ffp-contract reached the consumer: ' + command)
    _, output = run([os.path.join(build, 'consumer')])
    check_output(output, args.version)


def case_plain(args, work):
    """Two units that include ctgrad.hpp, compiled with -I<prefix>/include and linked."""
    program = os.path.join(work, 'consumer')
    run(args.compiler + ['-std=c++20', '-I' + os.path.join(args.prefix, 'include'),
                         '-DCTGRAD_SECOND_UNIT', os.path.join(HERE, 'consumer.cpp'),
                         os.path.join(HERE, 'second_unit.cpp'), '-o', program])
    _, output = run([program])
    check_output(output, args.version)
    if 'second unit: gradient -30' not in output:
        raise Failure('expected the line "second unit: gradient -30"')


def refusal(compiler, flags, source, expect):
    """Compiles source and expects exactly one error line, containing ctgrad: and expect."""
    code, output = run(compiler + flags + ['-fsyntax-only', source], check=False)
    errors = [line for line in output.splitlines() if ERROR_COUNTED.search(line)]
    if code == 0 or len(errors) != 1 or 'ctgrad:' not in errors[0] or expect not in errors[0]:
        raise Failure(f'expected one error line with "ctgrad:" and "{expect}", '
                      f'got {len(errors)} error lines')


def compilers(args):
    """The build's compiler, and g++ and clang++ when installed."""
    found = [args.compiler]
    for name in ('g++', 'clang++'):
        path = shutil.which(name)
        if path and os.path.realpath(path) not in (os.path.realpath(shutil.which(c[-1]) or c[-1])
                                                   for c in found):
            found.append([path])
    return found


def case_old_standard(args, work):
    """C++17 and C++11 consumers get one ctgrad: error, from ctgrad.hpp and every header alone."""
    include = os.path.join(args.prefix, 'include')
    main = os.path.join(work, 'ctgrad_hpp.cpp')
    with open(main, 'w', encoding='utf-8') as f:
        f.write('#include <ctgrad.hpp>\nint main() {}\n')
    for compiler in compilers(args):
        for std in ('-std=c++17', '-std=c++11'):
            refusal(compiler, [std, '-I' + include], main, 'C++20 is required')
    # Every installed header but the version macros, which any standard may read, with one
    # compiler: what is checked is that the guard comes first, and g++ starts in 10 ms where
    # Debian's clang takes 100 to 300.
    sweeper = [shutil.which('g++')] if shutil.which('g++') else args.compiler
    for root, _, files in os.walk(include):
        for name in sorted(files):
            header = os.path.relpath(os.path.join(root, name), include)
            if header == os.path.join('ctgrad', 'version.hpp'):
                continue
            source = os.path.join(work, header.replace(os.sep, '_') + '.cpp')
            with open(source, 'w', encoding='utf-8') as f:
                f.write(f'#include <{header}>\n')
            refusal(sweeper, ['-std=c++17', '-I' + include], source, 'C++20 is required')


def case_no_boost(args, work):
    """Without Boost.Hana on the include path (-nostdinc), and with a Boost older than 1.74 (a
    boost/version.hpp of 1.65 ahead of the system's), one ctgrad: error naming the package."""
    main = os.path.join(work, 'ctgrad_hpp.cpp')
    with open(main, 'w', encoding='utf-8') as f:
        f.write('#include <ctgrad.hpp>\nint main() {}\n')
    include = '-I' + os.path.join(args.prefix, 'include')
    refusal(args.compiler, ['-std=c++20', '-nostdinc', include], main, 'libboost-dev')
    old_boost = os.path.join(work, 'old_boost')
    os.makedirs(os.path.join(old_boost, 'boost'))
    with open(os.path.join(old_boost, 'boost', 'version.hpp'), 'w', encoding='utf-8') as f:
        f.write('#define BOOST_VERSION 106500\n')
    refusal(args.compiler, ['-std=c++20', include, '-I' + old_boost], main,
            'Boost 1.74 or later is required')


def case_not_gnu(args, work):
    """A compiler without the GNU vector extension (played by g++ or clang without __GNUC__ and
    __clang__) gets one ctgrad: error."""
    main = os.path.join(work, 'ctgrad_hpp.cpp')
    with open(main, 'w', encoding='utf-8') as f:
        f.write('#include <ctgrad.hpp>\nint main() {}\n')
    refusal(args.compiler, ['-std=c++20', '-U__GNUC__', '-U__clang__',
                            '-I' + os.path.join(args.prefix, 'include')],
            main, 'GNU vector extension')


def case_relocatable(args, work):
    """No installed file names the prefix it was installed for, or any other absolute path."""
    for root, _, files in os.walk(args.prefix):
        for name in files:
            path = os.path.join(root, name)
            with open(path, encoding='utf-8', errors='replace') as f:
                text = f.read()
            for fixed in (INSTALL_PREFIX, args.work, args.source):
                if fixed in text:
                    raise Failure(f'{path} names {fixed}: it would not move with the prefix')
    print(f'no installed file names {INSTALL_PREFIX}, {args.work} or {args.source}')


CASES = {
    'cmake': case_cmake,
    'cmake_version': case_cmake_version,
    'pkgconfig': case_pkgconfig,
    'subproject': case_subproject,
    'plain': case_plain,
    'old_standard': case_old_standard,
    'no_boost': case_no_boost,
    'not_gnu': case_not_gnu,
    'relocatable': case_relocatable,
}


def list_inputs(source):
    """The files an install depends on, one a line."""
    found = [os.path.join(source, 'meson.build'), os.path.join(source, 'meson_options.txt')]
    for folder, suffix in (('include', '.hpp'), ('cmake', '.in')):
        for root, _, files in os.walk(os.path.join(source, folder)):
            found += [os.path.join(root, name) for name in files if name.endswith(suffix)]
    print('\n'.join(sorted(found)))


def main():
    if sys.argv[1:2] == ['inputs']:
        list_inputs(sys.argv[2])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument('case', choices=['install'] + list(CASES))
    parser.add_argument('--work', required=True)
    parser.add_argument('--source', required=True)
    parser.add_argument('--meson', required=True, nargs='+')
    parser.add_argument('--version', required=True)
    parser.add_argument('--stamp')
    parser.add_argument('--compiler', required=True, nargs='+')
    args = parser.parse_args()
    args.work = os.path.abspath(args.work)
    args.source = os.path.abspath(args.source)
    args.prefix = os.path.join(args.work, 'prefix')
    try:
        if args.case == 'install':
            install(args)
        else:
            CASES[args.case](args, fresh_dir(os.path.join(args.work, args.case)))
    except Failure as failure:
        print('FAIL: ' + str(failure))
        sys.exit(1)


if __name__ == '__main__':
    main()
