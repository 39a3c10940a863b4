# accel-env.sh: prepare this shell for kiln's opencl backend.  Source it, do not run it:
#
#   source accel-env.sh              # find an OpenCL driver (ICD) and report
#   source accel-env.sh --install    # also install PoCL (OpenCL on the CPU) if none is found:
#                                    # needs root and apt-get
#
# It looks for the OpenCL loader (libOpenCL.so.1) and the ICDs registered in
# /etc/OpenCL/vendors, adds a loader found outside the linker's default path (e.g. CUDA's) to
# LD_LIBRARY_PATH, and sets KILN_JAVA_OPTS for the kiln launcher: -Dkiln.opencl.device=P:D when
# KILN_OPENCL_DEVICE is set (see ./kiln device for the indices). Then: ./kiln device, and
# --backend opencl (or "backend": "opencl" in a config).
# It changes nothing but those variables (and, with --install, the installed packages).

_kiln_accel() {
  local install=0 arg
  for arg in "$@"; do
    case "$arg" in
      --install) install=1 ;;
      -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]:-accel-env.sh}" | sed 's/^# \{0,1\}//'; return 0 ;;
      *) echo "accel-env.sh: unknown argument '$arg'; allowed: --install, --help" >&2; return 2 ;;
    esac
  done

  local loader="" dir
  loader="$(ldconfig -p 2>/dev/null | awk '/libOpenCL\.so\.1 / {print $NF; exit}')"
  if [ -z "$loader" ]; then
    for dir in /usr/local/cuda/lib64 /opt/rocm/lib /opt/intel/oneapi/lib /usr/lib64 /usr/local/lib; do
      if [ -e "$dir/libOpenCL.so.1" ]; then
        loader="$dir/libOpenCL.so.1"
        case ":${LD_LIBRARY_PATH:-}:" in
          *":$dir:"*) ;;
          *) export LD_LIBRARY_PATH="$dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" ;;
        esac
        break
      fi
    done
  fi

  local icds=""
  icds="$(ls /etc/OpenCL/vendors/*.icd 2>/dev/null | tr '\n' ' ')"

  if { [ -z "$loader" ] || [ -z "$icds" ]; } && [ "$install" = 1 ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "accel-env.sh: --install needs root (apt-get); run: sudo apt-get install pocl-opencl-icd ocl-icd-libopencl1 clinfo" >&2
      return 2
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "accel-env.sh: --install needs apt-get; install your platform's OpenCL ICD and loader by hand" >&2
      return 2
    fi
    echo "accel-env.sh: installing PoCL (OpenCL on the CPU) ..."
    if ! { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        pocl-opencl-icd ocl-icd-libopencl1 clinfo >/dev/null; }; then
      echo "accel-env.sh: apt-get could not install pocl-opencl-icd (see apt's messages above)" >&2
      return 1
    fi
    loader="$(ldconfig -p 2>/dev/null | awk '/libOpenCL\.so\.1 / {print $NF; exit}')"
    icds="$(ls /etc/OpenCL/vendors/*.icd 2>/dev/null | tr '\n' ' ')"
  fi

  local opts="${KILN_JAVA_OPTS:--Xmx4g}"
  opts="$(printf '%s' "$opts" | sed 's/ *-Dkiln\.opencl\.device=[^ ]*//g')"
  if [ -n "${KILN_OPENCL_DEVICE:-}" ]; then
    opts="$opts -Dkiln.opencl.device=$KILN_OPENCL_DEVICE"
  fi
  export KILN_JAVA_OPTS="$opts"

  echo "accel-env.sh: OpenCL loader: ${loader:-not found}"
  echo "accel-env.sh: OpenCL ICDs:   ${icds:-none in /etc/OpenCL/vendors}"
  if command -v clinfo >/dev/null 2>&1 && [ -n "$loader" ]; then
    clinfo -l 2>/dev/null | sed 's/^/accel-env.sh:   /'
  fi
  echo "accel-env.sh: KILN_JAVA_OPTS=$KILN_JAVA_OPTS${LD_LIBRARY_PATH:+ LD_LIBRARY_PATH=$LD_LIBRARY_PATH}"
  if [ -z "$loader" ] || [ -z "$icds" ]; then
    echo "accel-env.sh: no usable OpenCL: --backend opencl will stop with exit 2. Install a GPU driver's ICD, or"
    echo "accel-env.sh: PoCL: source accel-env.sh --install (root), or apt-get install pocl-opencl-icd ocl-icd-libopencl1"
    return 1
  fi
  echo "accel-env.sh: ready; ./kiln device lists the devices, --backend opencl uses them"
  return 0
}
_kiln_accel "$@"
_kiln_accel_rc=$?
unset -f _kiln_accel
# shellcheck disable=SC2317  # return works when sourced; exit only when run by mistake
return $_kiln_accel_rc 2>/dev/null || exit $_kiln_accel_rc
