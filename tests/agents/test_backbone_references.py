"""Naive float64 definitions of every backbone in numpy, written from the papers' equations as loops over time.

`REFERENCES[name](module, params, carry, inputs, resets) -> (carry, outputs)`
takes the module (for its sizes) and float64 numpy copies of its parameters
and data; each loops over t, zeroes the state where `resets[t]`, and applies
the paper's update. test_backbones.py compares the backbones' parallel and
step modes with these, and their gradients with finite differences of these.
The tests here check the initialisations the references cannot see.
"""

from __future__ import annotations

import numpy as np

from arenax.agents.backbones import hippo


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def zero_where(reset, state):
    """`state[B, ...]` with the rows of reset episodes zeroed."""
    return np.where(reset.reshape(reset.shape + (1,) * (state.ndim - 1)), 0, state)


def complex_of(stacked):
    return stacked[0] + 1j * stacked[1]


def gru(module, params, carry, inputs, resets):
    p = params["params"]
    kernel, bias = p["input_projection"]["kernel"], p["input_projection"]["bias"]
    hidden, candidate_bias = p["hidden_kernel"], p["candidate_bias"]
    f = module.features
    h, outputs = carry, []
    for t in range(inputs.shape[0]):
        h = zero_where(resets[t], h)
        x = inputs[t] @ kernel + bias
        u = h @ hidden
        r = sigmoid(x[:, :f] + u[:, :f])
        z = sigmoid(x[:, f : 2 * f] + u[:, f : 2 * f])
        n = np.tanh(x[:, 2 * f :] + r * (u[:, 2 * f :] + candidate_bias))
        h = (1 - z) * n + z * h
        outputs.append(h)
    return h, np.stack(outputs)


def lstm(module, params, carry, inputs, resets):
    p = params["params"]
    kernel, bias = p["input_projection"]["kernel"], p["input_projection"]["bias"]
    hidden = p["hidden_kernel"]
    f = module.features
    (c, h), outputs = carry, []
    for t in range(inputs.shape[0]):
        c, h = zero_where(resets[t], c), zero_where(resets[t], h)
        gates = inputs[t] @ kernel + bias + h @ hidden
        i, forget, g, o = (gates[:, k * f : (k + 1) * f] for k in range(4))
        c = sigmoid(forget) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        outputs.append(h)
    return (c, h), np.stack(outputs)


def s5(module, params, carry, inputs, resets):
    p = params["params"]
    eigenvalues = complex_of(p["eigenvalues"])
    eigenvalues = np.minimum(eigenvalues.real, -1e-4) + 1j * eigenvalues.imag
    step = np.exp(p["log_step"])
    # Zero-order hold of the continuous system x' = diag(Lambda) x + B u over one step.
    a_bar = np.diag(np.exp(eigenvalues * step))
    b = complex_of(p["input_matrix"]["kernel"]).T
    b_bar = np.linalg.solve(np.diag(eigenvalues), a_bar - np.eye(len(eigenvalues))) @ b
    c = complex_of(p["output_matrix"]).T
    d = p["feedthrough"]["kernel"]
    x, outputs = carry, []
    for t in range(inputs.shape[0]):
        x = zero_where(resets[t], x)
        x = x @ a_bar.T + inputs[t] @ b_bar.T
        outputs.append((x @ c.T).real + inputs[t] @ d)
    return x, np.stack(outputs)


def lru(module, params, carry, inputs, resets):
    p = params["params"]
    magnitude_log = -np.exp(p["nu_log"])
    eigenvalues = np.exp(magnitude_log) * (np.cos(np.exp(p["theta_log"])) + 1j * np.sin(np.exp(p["theta_log"])))
    gamma = np.exp(p["gamma_log"])
    b = complex_of(p["input_matrix"]["kernel"])
    c = complex_of(p["output_matrix"])
    d = p["feedthrough"]["kernel"]
    x, outputs = carry, []
    for t in range(inputs.shape[0]):
        x = zero_where(resets[t], x)
        x = eigenvalues * x + gamma * (inputs[t] @ b)
        outputs.append((x @ c).real + inputs[t] @ d)
    return x, np.stack(outputs)


def diagonal_ssm(p, carry, u, resets):
    """S4D per channel: ZOH of x' = Lambda x + B u, y = 2 Re(C x) + D u, for u[T, B, H], state x[B, H, N/2]."""
    eigenvalues = -np.exp(p["log_neg_real"]) + 1j * p["imag"]
    step = np.exp(p["log_step"])[:, None]
    a_bar = np.exp(eigenvalues * step)
    b_bar = (a_bar - 1) / eigenvalues * complex_of(p["input_vector"])
    c = complex_of(p["output_vector"])
    x, outputs = carry, []
    for t in range(u.shape[0]):
        x = zero_where(resets[t], x)
        x = a_bar * x + b_bar * u[t][..., None]
        outputs.append(2 * np.sum(c * x, axis=-1).real + p["feedthrough"] * u[t])
    return x, np.stack(outputs)


def s4d(module, params, carry, inputs, resets):
    p = params["params"]
    u = inputs @ p["input_projection"]["kernel"] + p["input_projection"]["bias"]
    return diagonal_ssm(p["ssm"], carry, u, resets)


def silu(x):
    return x * sigmoid(x)


def softplus(x):
    return np.log1p(np.exp(x))


def dense(p, x):
    return x @ p["kernel"] + p.get("bias", 0)


class History:
    """Per episode, the inputs seen so far, most recent last (at most `window - 1` kept after each step)."""

    def __init__(self, carry, window):
        buffer, count = carry
        self.window, self.carry_type = window, type(carry)
        self.items = [list(buffer[b, buffer.shape[1] - count[b] :]) for b in range(buffer.shape[0])]
        self.shape, self.dtype = buffer.shape, buffer.dtype

    def push(self, x, reset):
        """Starts a new episode where `reset`, appends `x[B, ...]`; returns each row's window, oldest first."""
        windows = []
        for b in range(len(self.items)):
            window = ([] if reset[b] else self.items[b]) + [x[b]]
            self.items[b] = window[max(0, len(window) - (self.window - 1)) :] if self.window > 1 else []
            windows.append(window)
        return windows

    def carry(self):
        buffer = np.zeros(self.shape, self.dtype)
        for b, items in enumerate(self.items):
            if items:
                buffer[b, self.shape[1] - len(items) :] = np.stack(items)
        return self.carry_type(buffer, np.array([len(items) for items in self.items], np.int32))


def convolve(history, kernel, xs, resets):
    """y[t] = sum_j kernel[j] x[t - j] over the current episode's inputs, for xs[T, B, D]."""
    outputs = []
    for t in range(xs.shape[0]):
        windows = history.push(xs[t], resets[t])
        outputs.append(np.stack([sum(kernel[j] * w[-1 - j] for j in range(len(w))) for w in windows]))
    return np.stack(outputs)


def h3(module, params, carry, inputs, resets):
    p = params["params"]
    q, k, v = np.split(dense(p["qkv"], inputs), 3, axis=-1)
    history = History(carry["shift"], module.shift_size)
    shifted = convolve(history, p["shift_kernel"], k, resets)
    state, memory = diagonal_ssm(p["diagonal"], carry["diagonal"], shifted * v, resets)
    return {"shift": history.carry(), "diagonal": state}, dense(p["output_projection"], q * memory)


def mamba(module, params, carry, inputs, resets):
    p = params["params"]
    x, z = np.split(dense(p["in_projection"], inputs), 2, axis=-1)
    history = History(carry["conv"], module.conv_width)
    x = silu(convolve(history, p["conv_kernel"], x, resets) + p["conv_bias"])
    rank, n = -(-module.features // 16), module.state_size
    selection = dense(p["x_projection"], x)
    delta, b, c = selection[..., :rank], selection[..., rank : rank + n], selection[..., rank + n :]
    dt = softplus(dense(p["dt_projection"], delta))
    a = -np.exp(p["a_log"])
    h, outputs = carry["ssm"], []
    for t in range(inputs.shape[0]):
        h = zero_where(resets[t], h)
        # Zero-order hold of A, and the simplified (Euler) discretisation dt * B of the input, as in Mamba.
        h = np.exp(dt[t][..., None] * a) * h + (dt[t] * x[t])[..., None] * b[t][:, None, :]
        y = np.sum(h * c[t][:, None, :], axis=-1) + p["skip"] * x[t]
        outputs.append(dense(p["out_projection"], y * silu(z[t])))
    return {"conv": history.carry(), "ssm": h}, np.stack(outputs)


def rms_norm(x, scale, epsilon=1e-6):
    return x / np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + epsilon) * scale


def split_heads(x, heads):
    return x.reshape(x.shape[:-1] + (heads, -1))


def gla(module, params, carry, inputs, resets):
    p = params["params"]
    f, heads = module.features, module.heads
    qkv = dense(p["qkv"], inputs)
    q = split_heads(qkv[..., : f // 2], heads) / np.sqrt(module.key_size)
    k = split_heads(qkv[..., f // 2 : f], heads)
    v = split_heads(qkv[..., f:], heads)
    gate = sigmoid(dense(p["gate_up"], dense(p["gate_down"], inputs)))
    alpha = split_heads(gate ** (1 / module.gate_temperature), heads)
    state, outputs = carry, []
    for t in range(inputs.shape[0]):
        state = zero_where(resets[t], state)
        # S[t] = diag(alpha[t]) S[t-1] + k[t]^T v[t], per batch row and head
        state = alpha[t][..., None] * state + np.einsum("bhk,bhv->bhkv", k[t], v[t])
        o = np.einsum("bhk,bhkv->bhv", q[t], state)
        o = rms_norm(o, p["norm"]["scale"]).reshape(o.shape[0], f)
        gate = dense(p["output_gate"], inputs[t])
        outputs.append((o * gate * sigmoid(gate)) @ p["output_projection"]["kernel"])
    return state, np.stack(outputs)


def local_attention(history, q, k, v, resets):
    """Softmax attention of q[t] over the keys and values of the episode's last steps in `history`; [T, B, H*d]."""
    d = q.shape[-1]
    outputs = []
    for t in range(q.shape[0]):
        windows = history.push(np.concatenate([k[t], v[t]], axis=-1), resets[t])
        rows = []
        for b, window in enumerate(windows):
            keys, values = np.stack(window)[..., :d], np.stack(window)[..., d:]
            scores = np.einsum("hd,whd->hw", q[t, b], keys) / np.sqrt(d)
            weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
            weights /= weights.sum(axis=-1, keepdims=True)
            rows.append(np.einsum("hw,whd->hd", weights, values).reshape(-1))
        outputs.append(np.stack(rows))
    return np.stack(outputs)


def transnormer(module, params, carry, inputs, resets):
    p = params["params"]
    heads, d = module.heads, module.head_size
    x = dense(p["input_projection"], inputs)
    # DiagAttention as a causal window: softmax over the last `window` steps of the episode.
    q, k, v = (split_heads(part, heads) for part in np.split(dense(p["local_qkv"], x), 3, axis=-1))
    history = History(carry["local"], module.window)
    x = x + dense(p["local_output"], local_attention(history, q, k, v, resets))
    # NormAttention: O = RMSNorm(phi(Q) phi(K)^T V), causal, phi = 1 + elu.
    q, k, v = (split_heads(part, heads) for part in np.split(dense(p["linear_qkv"], x), 3, axis=-1))
    q, k = (np.where(a > 0, a + 1, np.exp(a)) for a in (q, k))
    state, linear = carry["linear"], []
    for t in range(x.shape[0]):
        state = zero_where(resets[t], state) + np.einsum("bhk,bhv->bhkv", k[t], v[t])
        o = rms_norm(np.einsum("bhk,bhkv->bhv", q[t], state), p["linear_norm"]["scale"])
        linear.append(o.reshape(o.shape[0], -1))
    x = x + dense(p["linear_output"], np.stack(linear))
    return {"local": history.carry(), "linear": state}, x


def longvq(module, params, carry, inputs, resets):
    """Softmax attention over the episode's past keys, each replaced by its nearest codeword, kept as sums per code."""
    p = params["params"]
    codebook = p["codebook"]
    q, k, v = dense(p["query"], inputs), dense(p["key"], inputs), dense(p["value"], inputs)
    codes = np.argmin(((k[..., None, :] - codebook) ** 2).sum(-1), axis=-1)
    sums, counts = carry[:, 0, :, :-1], carry[:, 0, :, -1]
    outputs = []
    for t in range(inputs.shape[0]):
        sums, counts = zero_where(resets[t], sums), zero_where(resets[t], counts)
        one_hot = np.eye(module.codebook_size)[codes[t]]
        sums = sums + one_hot[..., None] * v[t][:, None, :]
        counts = counts + one_hot
        weights = np.exp(q[t] @ codebook.T / np.sqrt(module.key_size))
        attended = np.einsum("bs,bsf->bf", weights, sums) / np.einsum("bs,bs->b", weights, counts)[:, None]
        outputs.append(dense(p["output_projection"], attended))
    return np.concatenate([sums, counts[..., None]], axis=-1)[:, None], np.stack(outputs)


def ponet(module, params, carry, inputs, resets):
    p = params["params"]
    x_g, x_s, x_l, x_o = np.split(dense(p["projections"], inputs), 4, axis=-1)
    total, count = carry["sum"], carry["count"]
    running, position = carry["segment_max"], carry["segment_position"]
    history = History(carry["local"], module.window)
    outputs = []
    for t in range(inputs.shape[0]):
        reset = resets[t]
        total = zero_where(reset, total) + x_g[t]
        count = np.where(reset, 0, count) + 1
        # segments of `segment_size` steps counted from the episode's first step
        position = np.where(reset, 0, position)
        running = np.where((position == 0)[:, None], x_s[t], np.maximum(running, x_s[t]))
        position = (position + 1) % module.segment_size
        local = np.stack([np.max(np.stack(window), axis=0) for window in history.push(x_l[t], reset)])
        outputs.append(dense(p["output_projection"], total / count[:, None] * x_o[t] + running + local))
    carry = {
        "sum": total,
        "count": count,
        "segment_max": running,
        "segment_position": position.astype(np.int32),
        "local": history.carry(),
    }
    return carry, np.stack(outputs)


def tcnca(module, params, carry, inputs, resets):
    p = params["params"]
    x = dense(p["input_projection"], inputs)
    h, tcn_carry = x, []
    for level in range(module.levels):
        dilation = 2**level
        history = History(carry["tcn"][level], (module.kernel_size - 1) * dilation + 1)
        kernel, bias = p[f"tcn_kernel_{level}"], p[f"tcn_bias_{level}"]
        convolved = []
        for t in range(h.shape[0]):
            rows = []
            for window in history.push(h[t], resets[t]):
                taps = [j for j in range(module.kernel_size) if j * dilation < len(window)]
                rows.append(bias + sum(window[-1 - j * dilation] @ kernel[j] for j in taps))
            convolved.append(np.maximum(np.stack(rows), 0))
        h = h + np.stack(convolved)
        tcn_carry.append(history.carry())
    q, k = (split_heads(part, module.heads) for part in np.split(dense(p["query_key"], h), 2, axis=-1))
    v = split_heads(dense(p["value"], x), module.heads)
    history = History(carry["attention"], module.window)
    attended = local_attention(history, q, k, v, resets)
    return {"tcn": tuple(tcn_carry), "attention": history.carry()}, h + dense(p["output_projection"], attended)


REFERENCES = {
    "gla": gla,
    "gru": gru,
    "h3": h3,
    "lru": lru,
    "longvq": longvq,
    "lstm": lstm,
    "mamba": mamba,
    "ponet": ponet,
    "s4d": s4d,
    "s5": s5,
    "s5_ptd": s5,
    "tcnca": tcnca,
    "transnormer": transnormer,
}


def test_legs_normal_part_diagonalises_to_half_plane():
    size = 8
    eigenvalues, vectors = hippo.legs_normal_eigen(size)
    normal = hippo.legs_normal_part(size)
    np.testing.assert_allclose(vectors @ np.diag(eigenvalues) @ vectors.conj().T, normal, atol=1e-10)
    np.testing.assert_allclose(eigenvalues.real, -0.5)
    # LegS = normal part - P P^T with P = sqrt(n + 1/2).
    low_rank = np.sqrt(np.arange(size) + 0.5)
    np.testing.assert_allclose(normal - np.outer(low_rank, low_rank), hippo.legs_matrix(size))


def test_ptd_is_a_small_well_conditioned_perturbation_of_legs():
    size = 16
    legs = hippo.legs_matrix(size)
    _, exact_vectors = np.linalg.eig(legs)
    eigenvalues, vectors, inverse = hippo.perturb_then_diagonalize(size)
    perturbed = vectors @ np.diag(eigenvalues) @ inverse
    backward_error = np.linalg.norm(perturbed - legs, 2) / np.linalg.norm(legs, 2)
    assert backward_error <= hippo.PTD_RELATIVE_SIZES.max() * 1.0001
    assert np.linalg.cond(vectors) < np.linalg.cond(exact_vectors) / 100
    assert eigenvalues.real.max() < 0
    np.testing.assert_allclose(inverse @ vectors, np.eye(size), atol=1e-8)

