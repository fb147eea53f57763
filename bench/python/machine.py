"""What the benchmark ran on and with: CPU, cores, memory, OS, versions, the command, the date, the commit."""
import argparse
import datetime
import importlib
import json
import os
import platform
import subprocess


def run(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def lscpu():
    fields = {}
    for line in run("lscpu").splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def version(module):
    try:
        return importlib.import_module(module).__version__
    except Exception as e:  # a peer that failed to install
        return f"not available ({type(e).__name__})"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--command", default="bench/run.sh")
    parser.add_argument("--mode", default="full")
    parser.add_argument("--out")
    args = parser.parse_args()

    cpu = lscpu()
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    os_name = ""
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    os_name = line.split("=", 1)[1].strip().strip('"')
    flags = cpu.get("Flags", "").split()
    import common  # numpy is needed from here on
    blas = common.blas_info()
    info = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": args.command,
        "mode": args.mode,
        "cpu_model": cpu.get("Model name", platform.processor()),
        "cpu_family_model": f"family {cpu.get('CPU family', '?')}, model {cpu.get('Model', '?')}",
        "cpus": os.cpu_count(),
        "threads_per_core": cpu.get("Thread(s) per core"),
        # Some hypervisors are not named to lscpu: the CPU's "hypervisor" flag still says it is a guest.
        "hypervisor": cpu.get("Hypervisor vendor") or ("unnamed hypervisor" if "hypervisor" in flags else None),
        "avx512": "avx512f" in flags,
        "l2": cpu.get("L2 cache") or "not reported", "l3": cpu.get("L3 cache") or "not reported",
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "os": os_name, "kernel": platform.release(),
        "dotnet": run("dotnet", "--version"),
        "python": platform.python_version(),
        "numpy": version("numpy"), "sklearn": version("sklearn"), "torch": version("torch"),
        "threadpoolctl": version("threadpoolctl"), "matplotlib": version("matplotlib"),
        "openblas": common.openblas_summary(blas),
        "openblas_env": common.openblas_env(),
        "blas": blas,
        "openblas_package": run("dpkg-query", "-W", "-f=${Version}", "libopenblas0-pthread"),
        "packages": {p: run("dpkg-query", "-W", "-f=${Version}", p)
                     for p in ("python3-numpy", "python3-sklearn", "python3-torch", "python3-threadpoolctl")},
        "git_commit": run("git", "rev-parse", "--short", "HEAD"),
        "git_branch": run("git", "rev-parse", "--abbrev-ref", "HEAD"),
        "git_dirty_src": bool(run("git", "status", "--porcelain", "--", "src")),
    }
    text = json.dumps(info, indent=2)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    print(f"machine: {info['cpu_model']} ({info['cpus']} cores, AVX-512 {'yes' if info['avx512'] else 'no'}), "
          f"{info['memory_gib']} GiB, {info['os']}; dotnet {info['dotnet']}, numpy {info['numpy']}, "
          f"sklearn {info['sklearn']}, torch {info['torch']}, {info['openblas']}")


if __name__ == "__main__":
    main()
