#!/usr/bin/env python3
"""SelfPlay's network against ONNX Runtime (inference) and JAX (inference and one Adam step), side by side.

The same architectures layer for layer: ResNet B×F (3×3 stem, B residual blocks, 1×1 policy and
value heads with batch norm, dense heads) on Connect Four (2×6×7 → 7), Othello (2×8×8 → 65) and a
9×9 board (2×9×9 → 82, no SelfPlay game yet, so other frameworks only), and the MLP 256-256 on
Connect Four. Each row: positions per second, the ratio to SelfPlay, GFLOP/s by useful
multiply-adds (a training step counted as 3× the forward pass) and the fraction of the
machine's square-sgemm peak (1024³ through numpy's BLAS, measured in this run).

The ONNX graph folds batch norm into the convolutions, as ONNX Runtime's exporters do.
Both training steps are Adam (SelfPlay's `bench nn` default since 2026-12-01; SGD with momentum
before, whose update costs one pass less).

Usage: benchmarks/nn/compare.py [--selfplay .build/release/selfplay] [--batches 1,32,256,1024]
       [--seconds 1] [--threads 2] [--only connect4-4x48,...] [--without-coretype]

Needs `pip install onnxruntime onnx jax`. The load average is printed with every figure: on a
shared machine, compare ratios within one run, not absolute figures across runs.
"""
import argparse
import os
import re
import subprocess
import sys
import time

ARCHITECTURES = {
    # name: (game for SelfPlay or None, planes, height, width, actions, body, blocks or hidden, filters)
    "connect4-4x48": ("connect4", 2, 6, 7, 7, "resnet", 4, 48),
    "connect4-6x64": ("connect4", 2, 6, 7, 7, "resnet", 6, 64),
    "othello-6x64": ("othello", 2, 8, 8, 65, "resnet", 6, 64),
    "9x9-6x64": (None, 2, 9, 9, 82, "resnet", 6, 64),
    "connect4-mlp256": ("connect4", 2, 6, 7, 7, "mlp", [256, 256], None),
}
VALUE_HIDDEN = 64


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def forward_flops(spec):
    """Useful floating-point operations of one position's forward pass (a multiply-add is 2)."""
    _, planes, h, w, actions, body, size, filters = spec
    cells = h * w
    if body == "mlp":
        widths = [planes * cells] + size
        dense = sum(a * b for a, b in zip(widths, widths[1:]))
        return 2 * (dense + widths[-1] * actions + widths[-1] * VALUE_HIDDEN + VALUE_HIDDEN)
    convs = cells * 9 * planes * filters + 2 * size * cells * 9 * filters * filters + cells * filters * 3
    heads = 2 * cells * actions + cells * VALUE_HIDDEN + VALUE_HIDDEN
    return 2 * (convs + heads)


def time_per_run(run, seconds):
    run()
    start, runs = time.perf_counter(), 0
    while True:
        run()
        runs += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds and runs >= 3:
            return elapsed / runs


def sgemm_peak(threads):
    """GFLOP/s of a 1024³ float32 matrix product (best of 5), numpy's BLAS with `threads` threads."""
    import numpy as np
    a = np.random.rand(1024, 1024).astype(np.float32)
    b = np.random.rand(1024, 1024).astype(np.float32)
    a @ b
    best = min(time_per_run(lambda: a @ b, 0.2) for _ in range(5))
    return 2 * 1024 ** 3 / best / 1e9


# MARK: - SelfPlay

def selfplay_rows(binary, spec, batches, seconds, threads, env):
    game, *_, body, size, filters = spec
    network = (["--architecture", "mlp", "--hidden", ",".join(map(str, size))] if body == "mlp"
               else ["--architecture", "resnet", "--blocks", str(size), "--filters", str(filters)])
    args = [binary, "bench", "nn", "--game", game, "--batches", ",".join(map(str, batches)), "--seconds", str(seconds),
            "--blas-threads", str(threads)] + network
    output = subprocess.run(args, capture_output=True, text=True, check=True, env=env).stdout
    core = re.search(r"OpenBLAS: core ([A-Za-z0-9_]+)", output)
    # The sgemm timer sums the time of every thread that calls sgemm, so the share is profiled on one thread.
    profile = [binary, "bench", "nn", "--game", game, "--batches", "256", "--seconds", str(seconds),
               "--blas-threads", "1", "--profile-batch", "256"] + network
    profiled = subprocess.run(profile, capture_output=True, text=True, check=True, env=env).stdout
    share = re.search(r"non-sgemm share of the train step: (-?[\d.]+)%", profiled)
    rows = {}
    for line in output.splitlines():
        fields = line.split()
        if len(fields) == 7 and fields[0].isdigit():
            rows[int(fields[0])] = (float(fields[1]), float(fields[4]))
    return rows, core.group(1) if core else "?", share.group(1) if share else "?"


# MARK: - JAX

def jax_model(spec):
    import jax
    import jax.numpy as jnp
    _, planes, h, w, actions, body, size, filters = spec
    key = jax.random.PRNGKey(0)

    def normal(shape, fan_in):
        nonlocal key
        key, sub = jax.random.split(key)
        return jax.random.normal(sub, shape, jnp.float32) * (2.0 / fan_in) ** 0.5

    params = {}
    if body == "mlp":
        widths = [planes * h * w] + size
        for i, (a, b) in enumerate(zip(widths, widths[1:])):
            params[f"body{i}"] = (normal((a, b), a), jnp.zeros(b))
        features = widths[-1]
        params["policy"] = (normal((features, actions), features), jnp.zeros(actions))
        params["value1"] = (normal((features, VALUE_HIDDEN), features), jnp.zeros(VALUE_HIDDEN))
    else:
        def conv(name, cin, cout, k):
            params[name] = normal((k, k, cin, cout), k * k * cin)
            params[name + "_bn"] = (jnp.ones(cout), jnp.zeros(cout))
        conv("stem", planes, filters, 3)
        for i in range(size):
            conv(f"b{i}c1", filters, filters, 3)
            conv(f"b{i}c2", filters, filters, 3)
        conv("pconv", filters, 2, 1)
        conv("vconv", filters, 1, 1)
        params["policy"] = (normal((2 * h * w, actions), 2 * h * w), jnp.zeros(actions))
        params["value1"] = (normal((h * w, VALUE_HIDDEN), h * w), jnp.zeros(VALUE_HIDDEN))
    params["value2"] = (normal((VALUE_HIDDEN, 1), VALUE_HIDDEN), jnp.zeros(1))

    def bn(x, p, training):
        # Training: batch statistics; inference: running statistics (mean 0, variance 1 here).
        if training:
            mean = x.mean(axis=(0, 1, 2))
            var = x.var(axis=(0, 1, 2))
            x = (x - mean) / jnp.sqrt(var + 1e-5)
        else:
            x = x / jnp.sqrt(1 + 1e-5)
        return x * p[0] + p[1]

    def apply(params, x, training):
        if body == "mlp":
            x = x.reshape(x.shape[0], -1)
            for i in range(len(size)):
                x = jax.nn.relu(x @ params[f"body{i}"][0] + params[f"body{i}"][1])
            pf = vf = x
        else:
            x = x.reshape(x.shape[0], planes, h, w).transpose(0, 2, 3, 1)  # NHWC

            def unit(x, name, residual=None):
                y = jax.lax.conv_general_dilated(x, params[name], (1, 1), "SAME",
                                                 dimension_numbers=("NHWC", "HWIO", "NHWC"))
                y = bn(y, params[name + "_bn"], training)
                return jax.nn.relu(y if residual is None else y + residual)
            x = unit(x, "stem")
            for i in range(size):
                x = unit(unit(x, f"b{i}c1"), f"b{i}c2", residual=x)
            pf = unit(x, "pconv").reshape(x.shape[0], -1)
            vf = unit(x, "vconv").reshape(x.shape[0], -1)
        logits = pf @ params["policy"][0] + params["policy"][1]
        hidden = jax.nn.relu(vf @ params["value1"][0] + params["value1"][1])
        value = jnp.tanh(hidden @ params["value2"][0] + params["value2"][1])[:, 0]
        return logits, value

    @jax.jit
    def predict(params, x, mask):
        logits, value = apply(params, x, False)
        return jax.nn.softmax(jnp.where(mask > 0, logits, -jnp.inf)), value

    def loss(params, x, mask, target_policy, target_value):
        logits, value = apply(params, x, True)
        log_p = jax.nn.log_softmax(jnp.where(mask > 0, logits, -1e9))
        return -(target_policy * log_p).sum(axis=1).mean() + ((value - target_value) ** 2).mean()

    @jax.jit
    def adam_step(state, x, mask, target_policy, target_value):
        params, m, v, t = state
        grads = jax.grad(loss)(params, x, mask, target_policy, target_value)
        t = t + 1
        m = jax.tree_util.tree_map(lambda m, g: 0.9 * m + 0.1 * g, m, grads)
        v = jax.tree_util.tree_map(lambda v, g: 0.999 * v + 0.001 * g * g, v, grads)
        scale = 1e-3 * jnp.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        params = jax.tree_util.tree_map(lambda p, m, v: p - scale * m / (jnp.sqrt(v) + 1e-8), params, m, v)
        return params, m, v, t

    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    return params, predict, adam_step, (params, zeros, zeros, jnp.float32(0))


def jax_rows(spec, batches, seconds):
    import jax
    import numpy as np
    _, planes, h, w, actions, *_ = spec
    params, predict, adam_step, state = jax_model(spec)
    rows = {}
    for batch in batches:
        rng = np.random.default_rng(batch)
        x = rng.integers(0, 2, (batch, planes * h * w)).astype(np.float32)
        mask = np.ones((batch, actions), np.float32)
        tp = np.full((batch, actions), 1 / actions, np.float32)
        tv = rng.uniform(-1, 1, batch).astype(np.float32)
        infer = time_per_run(lambda: jax.block_until_ready(predict(params, x, mask)), seconds)
        holder = [state]

        def step():
            holder[0] = jax.block_until_ready(adam_step(holder[0], x, mask, tp, tv))
        train = time_per_run(step, seconds)
        rows[batch] = (batch / infer, batch / train)
    return rows


# MARK: - ONNX Runtime

def onnx_model(spec):
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper
    _, planes, h, w, actions, body, size, filters = spec
    rng = np.random.default_rng(0)
    nodes, inits = [], []

    def tensor(name, array):
        inits.append(numpy_helper.from_array(array.astype(np.float32), name))
        return name

    def he(shape, fan_in):
        return rng.standard_normal(shape) * (2.0 / fan_in) ** 0.5

    def dense(x, name, a, b, activation=None):
        nodes.append(helper.make_node("Gemm", [x, tensor(name + "_w", he((a, b), a)), tensor(name + "_b", np.zeros(b))],
                                      [name]))
        if activation:
            nodes.append(helper.make_node(activation, [name], [name + "_a"]))
            return name + "_a"
        return name

    if body == "mlp":
        nodes.append(helper.make_node("Flatten", ["x"], ["flat"]))
        x, width = "flat", planes * h * w
        for i, units in enumerate(size):
            x, width = dense(x, f"body{i}", width, units, "Relu"), units
        pf = vf = x
        pwidth = vwidth = width
    else:
        inits.append(numpy_helper.from_array(np.array([-1, planes, h, w], np.int64), "shape"))
        nodes.append(helper.make_node("Reshape", ["x", "shape"], ["x4"]))

        def unit(x, name, cin, cout, k, residual=None):
            # Batch norm folded: weights and a bias per output channel.
            conv = helper.make_node("Conv", [x, tensor(name + "_w", he((cout, cin, k, k), cin * k * k)),
                                             tensor(name + "_b", np.zeros(cout))], [name], pads=[k // 2] * 4)
            nodes.append(conv)
            y = name
            if residual:
                nodes.append(helper.make_node("Add", [y, residual], [name + "_sum"]))
                y = name + "_sum"
            nodes.append(helper.make_node("Relu", [y], [name + "_r"]))
            return name + "_r"
        x = unit("x4", "stem", planes, filters, 3)
        for i in range(size):
            x = unit(unit(x, f"b{i}c1", filters, filters, 3), f"b{i}c2", filters, filters, 3, residual=x)
        for name, channels in (("p", 2), ("v", 1)):
            y = unit(x, name + "conv", filters, channels, 1)
            nodes.append(helper.make_node("Flatten", [y], [name + "flat"]))
        pf, vf, pwidth, vwidth = "pflat", "vflat", 2 * h * w, h * w
    logits = dense(pf, "policy", pwidth, actions)
    nodes.append(helper.make_node("Softmax", [logits], ["policy_out"], axis=1))
    hidden = dense(vf, "value1", vwidth, VALUE_HIDDEN, "Relu")
    value = dense(hidden, "value2", VALUE_HIDDEN, 1, "Tanh")
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, planes * h * w])]
    graph = helper.make_graph(nodes, "net", inputs,
                              [helper.make_tensor_value_info("policy_out", TensorProto.FLOAT, [None, actions]),
                               helper.make_tensor_value_info(value, TensorProto.FLOAT, [None, 1])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()


def onnx_rows(spec, batches, seconds, threads):
    import numpy as np
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(onnx_model(spec), options, providers=["CPUExecutionProvider"])
    _, planes, h, w, *_ = spec
    rows = {}
    for batch in batches:
        x = np.random.default_rng(batch).integers(0, 2, (batch, planes * h * w)).astype(np.float32)
        infer = time_per_run(lambda: session.run(None, {"x": x}), seconds)
        rows[batch] = (batch / infer, None)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--selfplay", default=".build/release/selfplay")
    parser.add_argument("--batches", default="1,32,256,1024")
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", default=",".join(ARCHITECTURES))
    parser.add_argument("--without-coretype", action="store_true",
                        help="run SelfPlay a second time without OPENBLAS_CORETYPE (if it is set)")
    args = parser.parse_args()
    batches = [int(b) for b in args.batches.split(",")]
    # Thread counts for numpy's BLAS and XLA must be set before they load.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))
    os.environ.setdefault("XLA_FLAGS", f"--xla_cpu_multi_thread_eigen={'true' if args.threads > 1 else 'false'}")
    import jax
    import onnxruntime
    peak = sgemm_peak(args.threads)
    print(f"load average {load_average()} (a shared machine: other jobs skew every figure; compare within a run)")
    print(f"square sgemm peak (1024³, numpy's BLAS, {args.threads} threads): {peak:.1f} GFLOP/s")
    print(f"onnxruntime {onnxruntime.__version__}, jax {jax.__version__}, OPENBLAS_CORETYPE="
          f"{os.environ.get('OPENBLAS_CORETYPE') or '(unset)'}")
    header = f"{'network':17} {'batch':>5} {'framework':24} {'mode':9} {'pos/s':>10} {'vs SelfPlay':>11} " \
             f"{'GFLOP/s':>8} {'of peak':>7}  load"
    print("\n" + header)
    envs = [("SelfPlay", dict(os.environ))]
    if args.without_coretype and os.environ.get("OPENBLAS_CORETYPE"):
        env = dict(os.environ)
        del env["OPENBLAS_CORETYPE"]
        envs.append(("SelfPlay (no CORETYPE)", env))
    for name in args.only.split(","):
        spec = ARCHITECTURES[name]
        flops = forward_flops(spec)
        results = []
        if spec[0] and os.path.exists(args.selfplay):
            for label, env in envs:
                rows, core, share = selfplay_rows(args.selfplay, spec, batches, args.seconds, args.threads, env)
                results.append((f"{label} [{core}]", rows, load_average()))
                print(f"# {name}: {label} OpenBLAS core {core}, "
                      f"non-sgemm share of the train step at 256 (1 thread): {share}%")
        results.append(("ONNX Runtime", onnx_rows(spec, batches, args.seconds, args.threads), load_average()))
        results.append(("JAX (XLA)", jax_rows(spec, batches, args.seconds), load_average()))
        reference = results[0][1] if spec[0] and results[0][0].startswith("SelfPlay") else None
        for batch in batches:
            for framework, rows, load in results:
                for mode, index, factor in (("inference", 0, 1), ("train", 1, 3)):
                    value = rows.get(batch, (None, None))[index]
                    if value is None:
                        continue
                    base = reference.get(batch, (None, None))[index] if reference else None
                    ratio = f"{value / base:.2f}×" if base else "-"
                    gflops = value * flops * factor / 1e9
                    print(f"{name:17} {batch:5d} {framework:24} {mode:9} {value:10.0f} {ratio:>11} "
                          f"{gflops:8.1f} {gflops / peak:7.0%}  {load}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
