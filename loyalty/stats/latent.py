"""Links to a group mean corrected for its unreliability: the two-level latent-covariate model.

A branch's engagement is the mean of a few answers, a noisy measure of the branch's true level.
A regression on a noisy predictor is pulled towards zero, and more so the smaller the groups
(the ICC(2) of the means tells how much). The latent-covariate model splits x, measured on
people, into a within-group part and a between-group part u_j and relates the outcome to u_j
instead of to the observed mean (Croon & van Veldhoven 2007; Lüdtke et al. 2008). It is fitted
by full maximum likelihood from per-group sufficient statistics, so a million answers cost a
pass of ``group_by`` and a few milliseconds of optimisation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import optimize
from scipy import stats as sps

from loyalty.stats.multilevel import icc, icc_from_groups

_LOG2PI = float(np.log(2 * np.pi))
_H = 1e-30  # complex step: derivatives to machine precision, no cancellation


@dataclass(frozen=True)
class LatentLinkResult:
    """Between-group (latent) link of y on x, with the observed-mean link beside it.

    ``slope``: change in y per unit of the latent group mean of x (Wald interval from the
    observed information); ``r``: correlation of the latent group mean of x with the group part
    of y (interval by Fisher's z of the delta-method SE). ``manifest_*``: the same link computed
    on the observed group means (ordinary least squares / Pearson over groups). ``within_slope``
    is NaN for a group-level y. With covariates, slope, r and the between (co)variances are
    partial, given the covariates.
    """

    slope: float
    slope_se: float
    slope_ci: tuple[float, float]
    r: float
    r_se: float
    r_ci: tuple[float, float]
    between_var_x: float
    between_var_y: float
    between_cov: float
    within_var_x: float
    within_slope: float
    loglik: float
    converged: bool
    manifest_slope: float
    manifest_r: float
    icc1_x: float
    icc2_x: float
    n_groups: int
    n: int
    method: str
    y_level: str
    level: float = 0.95
    covariates: tuple[str, ...] = ()
    mean_group_size: float = float("nan")


# --- sufficient statistics -----------------------------------------------------------------


def _group_level_stats(
    frame: pl.DataFrame, x: str, y: str, group: str, covariates: Sequence[str]
) -> pl.DataFrame:
    data = frame.select(group, x, y, *covariates).filter(pl.col(group).is_not_null())
    xv = pl.col(x).fill_nan(None)
    yv = pl.col(y).fill_nan(None)
    spread = (yv.max() - yv.min()).fill_null(0.0)
    out = (
        data.group_by(group)
        .agg(
            xv.count().alias("n"),
            xv.mean().alias("m"),
            ((xv - xv.mean()) ** 2).sum().alias("ss"),
            yv.mean().alias("y"),
            spread.alias("_spread"),
            *(pl.col(c).first() for c in covariates),
        )
        .sort(group)
    )
    if out.height and float(out["_spread"].max() or 0.0) > 1e-9 * (
        1.0 + float(out["y"].abs().max() or 0.0)
    ):
        raise ValueError(
            f"{y!r} varies within a group of {group!r}: use y_level='individual' for an "
            "outcome measured on people"
        )
    out = out.filter(
        pl.all_horizontal(pl.lit(True), *(pl.col(c).is_not_null() for c in covariates))
        & ((pl.col("n") > 0) | pl.col("y").is_not_null())
    )
    return out


def _individual_stats(frame: pl.DataFrame, x: str, y: str, group: str) -> pl.DataFrame:
    """Per group and missing pattern (both, x only, y only): count, means, within SSCP."""
    xv, yv = pl.col(x).cast(pl.Float64).fill_nan(None), pl.col(y).cast(pl.Float64).fill_nan(None)
    data = frame.select(pl.col(group), xv, yv).filter(pl.col(group).is_not_null())
    both = pl.col(x).is_not_null() & pl.col(y).is_not_null()
    parts = {
        "c_x": pl.when(both).then(pl.col(x)),
        "c_y": pl.when(both).then(pl.col(y)),
        "x_x": pl.when(pl.col(y).is_null()).then(pl.col(x)),
        "y_y": pl.when(pl.col(x).is_null()).then(pl.col(y)),
    }
    data = data.with_columns(**parts)
    dev = {f"d_{k}": pl.col(k) - pl.col(k).mean().over(group) for k in parts}
    data = data.with_columns(**dev)
    out = (
        data.group_by(group)
        .agg(
            pl.col("c_x").count().alias("n_c"),
            pl.col("x_x").count().alias("n_x"),
            pl.col("y_y").count().alias("n_y"),
            *(pl.col(k).mean().fill_null(0.0).alias(f"m_{k}") for k in parts),
            (pl.col("d_c_x") ** 2).sum().alias("s_c_xx"),
            (pl.col("d_c_x") * pl.col("d_c_y")).sum().alias("s_c_xy"),
            (pl.col("d_c_y") ** 2).sum().alias("s_c_yy"),
            (pl.col("d_x_x") ** 2).sum().alias("s_x_xx"),
            (pl.col("d_y_y") ** 2).sum().alias("s_y_yy"),
            pl.col(x).mean().alias("_mx"),
            pl.col(y).mean().alias("_my"),
            pl.col(x).count().alias("_nx"),
        )
        .sort(group)
    )
    return out.filter((pl.col("n_c") + pl.col("n_x") + pl.col("n_y")) > 0)


# --- log-likelihoods, vectorised over groups and over a batch of parameter vectors ----------


def _bivariate(vx, vy, cxy, dx, dy):
    det = vx * vy - cxy**2
    return -0.5 * (2 * _LOG2PI + np.log(det) + (vy * dx**2 - 2 * cxy * dx * dy + vx * dy**2) / det)


def _classes(keys: np.ndarray, features: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Groups with the same key (sizes and missing pattern) share every variance term, so the
    likelihood needs only the cross-products of their features per key: (keys, count, sum F F')."""
    uniq, inverse, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    outer = features[:, :, None] * features[:, None, :]
    cross = np.zeros((len(uniq), features.shape[1], features.shape[1]))
    np.add.at(cross, inverse.ravel(), outer)
    return uniq, counts.astype(float), cross


class _GroupModel:
    """x_ij = mu_x + g_x'z_j + u_j + e_ij, y_j = mu_y + g_y'z_j + w_j, (u_j, w_j) bivariate
    normal with var(u) = tau_x, cov = beta tau_x, var(w) = beta^2 tau_x + psi;
    e_ij ~ N(0, sigma2). Parameters: mu_x, g_x, mu_y, g_y, log sigma2, log tau_x, beta, log psi.
    """

    def __init__(self, arr: np.ndarray):
        """``arr``: one row per group, columns n, mean of x, within SS, y, covariates (NaN =
        missing)."""
        k = self.k = arr.shape[1] - 4
        has_x = (arr[:, 0] > 0) & np.isfinite(arr[:, 1])
        n = np.where(has_x, arr[:, 0], 0.0)
        has_y = np.isfinite(arr[:, 3])
        self.z = arr[:, 4:]
        self.m = np.where(has_x, arr[:, 1], 0.0)
        self.y = np.where(has_y, arr[:, 3], 0.0)
        self.ss_j = np.where(has_x, np.nan_to_num(arr[:, 2]), 0.0)
        # features (1, z, mean of x, y) per group; classes by (x count, y observed)
        feats = np.column_stack([np.ones(len(arr)), self.z, self.m, self.y])
        keys, self.count, self.cross = _classes(np.column_stack([n, has_y]), feats)
        self.n1 = np.where(keys[:, 0] > 0, keys[:, 0], 1.0)
        has_x_c, has_y_c = keys[:, 0] > 0, keys[:, 1] > 0
        self.both = (has_x_c & has_y_c).astype(float)
        self.x_only = (has_x_c & ~has_y_c).astype(float)
        self.y_only = (~has_x_c & has_y_c).astype(float)
        self.ss = float(self.ss_j.sum())
        self.within_df = float(n.sum() - has_x.sum())
        self.log_n = float(np.log(n[has_x]).sum())
        self.i_sigma, self.i_tau, self.i_slope, self.i_psi = (
            2 * k + 2,
            2 * k + 3,
            2 * k + 4,
            2 * k + 5,
        )
        self.n, self.has_x, self.has_y = n, has_x, has_y

    def loglik(self, th):
        k = self.k
        sigma2, tau = np.exp(th[..., 2 * k + 2]), np.exp(th[..., 2 * k + 3])
        beta, psi = th[..., 2 * k + 4], np.exp(th[..., 2 * k + 5])
        ones, zeros = np.ones_like(th[..., :1]), np.zeros_like(th[..., :1])
        # dx_j = A.F_j, dy_j = B.F_j: the sums of squares per class are quadratic forms
        a = np.concatenate([-th[..., : k + 1], ones, zeros], axis=-1)
        b = np.concatenate([-th[..., k + 1 : 2 * k + 2], zeros, ones], axis=-1)
        ca = (self.cross @ a[..., None, :, None])[..., 0]  # (..., C, F)
        cb = (self.cross @ b[..., None, :, None])[..., 0]
        sxx = (ca * a[..., None, :]).sum(-1)
        sxy = (cb * a[..., None, :]).sum(-1)
        syy = (cb * b[..., None, :]).sum(-1)
        s2, t, bt, p = (v[..., None] for v in (sigma2, tau, beta, psi))
        vx, vy, c = t + s2 / self.n1, bt**2 * t + p, bt * t
        det = vx * vy - c**2
        cnt = self.count
        per_class = (
            self.both
            * -0.5
            * (cnt * (2 * _LOG2PI + np.log(det)) + (vy * sxx - 2 * c * sxy + vx * syy) / det)
            + self.x_only * -0.5 * (cnt * (_LOG2PI + np.log(vx)) + sxx / vx)
            + self.y_only * -0.5 * (cnt * (_LOG2PI + np.log(vy)) + syy / vy)
        )
        within = -0.5 * (self.within_df * (_LOG2PI + np.log(sigma2)) + self.ss / sigma2)
        return per_class.sum(axis=-1) + within - 0.5 * self.log_n

    def start(self) -> np.ndarray:
        hx, hy = self.has_x, self.has_y
        sigma2 = self.ss / self.within_df if self.within_df > 0 else max(np.var(self.m[hx]), 1e-6)
        design = np.column_stack([np.ones(len(self.m)), self.z])
        cx = np.linalg.lstsq(design[hx], self.m[hx], rcond=None)[0]
        cy = np.linalg.lstsq(design[hy], self.y[hy], rcond=None)[0]
        rx, ry = self.m - design @ cx, self.y - design @ cy
        vx = float(np.var(rx[hx]))
        tau = max(vx - float(np.mean(sigma2 / self.n[hx])), 0.1 * vx, 1e-8)
        both = hx & hy
        cov = float(np.mean(rx[both] * ry[both])) if both.sum() > 1 else 0.0
        beta = cov / tau
        vy = float(np.var(ry[hy])) if hy.sum() > 1 else 1.0
        psi = max(vy - beta**2 * tau, 0.1 * vy, 1e-8)
        return np.concatenate([cx, cy, np.log([sigma2, tau]), [beta], [np.log(psi)]])

    def between(self, th):
        k = self.k
        sigma2, tau = np.exp(th[..., 2 * k + 2]), np.exp(th[..., 2 * k + 3])
        beta, psi = th[..., 2 * k + 4], np.exp(th[..., 2 * k + 5])
        return tau, beta * tau, beta**2 * tau + psi, sigma2, np.nan * tau


class _IndividualModel:
    """(x_ij, y_ij) = mu + b_j + w_ij with b_j ~ N(0, B), w_ij ~ N(0, W), both 2x2, each as
    log var_x, slope, log residual var of y. Parameters: mu_x, mu_y, W (3), B (3).

    A group's answers are complete pairs (n_c), x only (n_x) or y only (n_y). Its likelihood,
    by the Woodbury identity with D = blockdiag(W_i) and H = sum_i Z_i'W_i^-1 Z_i:
    log|V| = log|D| + log|I + B H|, r'V^-1 r = r'D^-1 r - g'(I + B H)^-1 B g, g = Z'D^-1 r.
    """

    i_sigma, i_tau, i_slope, i_psi = 2, 5, 6, 7

    def __init__(self, s: pl.DataFrame):
        def col(name):
            return s[name].to_numpy().astype(float)

        nc, nx, ny = col("n_c"), col("n_x"), col("n_y")
        feats = np.column_stack(
            [np.ones(s.height), col("m_c_x"), col("m_c_y"), col("m_x_x"), col("m_y_y")]
        )
        keys, self.count, self.cross = _classes(np.column_stack([nc, nx, ny]), feats)
        self.nc, self.nx, self.ny = keys[:, 0], keys[:, 1], keys[:, 2]
        self.sxx, self.sxy = float(col("s_c_xx").sum()), float(col("s_c_xy").sum())
        self.syy = float(col("s_c_yy").sum())
        self.sxo, self.syo = float(col("s_x_xx").sum()), float(col("s_y_yy").sum())
        self.n_obs = float((2 * nc + nx + ny).sum())
        self._s = s
        self._nc_groups = nc

    @staticmethod
    def _cov(lv, b, lp):
        vx = np.exp(lv)
        return vx, b * vx, b**2 * vx + np.exp(lp)

    def loglik(self, th):
        mux, muy = th[..., 0], th[..., 1]
        wxx, wxy, wyy = self._cov(th[..., 2], th[..., 3], th[..., 4])
        bxx, bxy, byy = self._cov(th[..., 5], th[..., 6], th[..., 7])
        det_w = wxx * wyy - wxy**2
        ixx, ixy, iyy = wyy / det_w, -wxy / det_w, wxx / det_w
        # within-pattern sums of squares: the same weights for every group
        within = (
            ixx * self.sxx + 2 * ixy * self.sxy + iyy * self.syy + self.syo / wyy + self.sxo / wxx
        )
        # residual means e_j = E F_j = (dx_c, dy_c, dx_x-only, dy_y-only); per class sum e e'
        one, nul = np.ones_like(mux), np.zeros_like(mux)
        e = np.stack(
            [
                np.stack([-mux, one, nul, nul, nul], -1),
                np.stack([-muy, nul, one, nul, nul], -1),
                np.stack([-mux, nul, nul, one, nul], -1),
                np.stack([-muy, nul, nul, nul, one], -1),
            ],
            -2,
        )  # (..., 4, 5)
        e4 = e[..., None, :, :]
        r = e4 @ self.cross @ np.swapaxes(e4, -1, -2)  # (..., C, 4, 4)
        nc, nx, ny = self.nc, self.nx, self.ny
        ixx, ixy, iyy, wxx, wyy, det_w = (v[..., None] for v in (ixx, ixy, iyy, wxx, wyy, det_w))
        bxx, bxy, byy = (v[..., None] for v in (bxx, bxy, byy))
        q0 = (
            nc * (ixx * r[..., 0, 0] + 2 * ixy * r[..., 0, 1] + iyy * r[..., 1, 1])
            + nx * r[..., 2, 2] / wxx
            + ny * r[..., 3, 3] / wyy
        )
        hxx, hxy, hyy = nc * ixx + nx / wxx, nc * ixy, nc * iyy + ny / wyy
        zero = np.zeros_like(hxy)
        # g_j = L e_j
        lmat = np.stack(
            [
                np.stack([nc * ixx, nc * ixy, nx / wxx + zero, zero], -1),
                np.stack([nc * ixy, nc * iyy, zero, ny / wyy + zero], -1),
            ],
            -2,
        )  # (..., C, 2, 4)
        g2 = lmat @ r @ np.swapaxes(lmat, -1, -2)  # sum_j g_j g_j'
        m11, m12 = 1 + bxx * hxx + bxy * hxy, bxx * hxy + bxy * hyy
        m21, m22 = bxy * hxx + byy * hxy, 1 + bxy * hxy + byy * hyy
        det_m = m11 * m22 - m12 * m21
        # K = M^-1 B
        k11 = (m22 * bxx - m12 * bxy) / det_m
        k12 = (m22 * bxy - m12 * byy) / det_m
        k21 = (-m21 * bxx + m11 * bxy) / det_m
        k22 = (-m21 * bxy + m11 * byy) / det_m
        quad = q0 - (
            k11 * g2[..., 0, 0] + k12 * g2[..., 1, 0] + k21 * g2[..., 0, 1] + k22 * g2[..., 1, 1]
        )
        log_det_d = nc * np.log(det_w) + nx * np.log(wxx) + ny * np.log(wyy)
        per_class = self.count * (log_det_d + np.log(det_m)) + quad
        return -0.5 * (self.n_obs * _LOG2PI + per_class.sum(axis=-1) + within)

    def start(self) -> np.ndarray:
        s = self._s
        nw = float((self._nc_groups - (self._nc_groups > 0)).sum())
        wxx, wxy, wyy = (v / max(nw, 1.0) for v in (self.sxx, self.sxy, self.syy))
        mx, my = s["_mx"].to_numpy(), s["_my"].to_numpy()
        ok = np.isfinite(mx) & np.isfinite(my)
        nbar = float(np.mean(np.maximum(self._nc_groups[ok], 1)))
        vx = max(float(np.var(mx[ok])) - wxx / nbar, 0.1 * float(np.var(mx[ok])), 1e-8)
        vy = max(float(np.var(my[ok])) - wyy / nbar, 0.1 * float(np.var(my[ok])), 1e-8)
        cxy = float(np.cov(mx[ok], my[ok], bias=True)[0, 1]) - wxy / nbar
        cxy = float(np.clip(cxy, -0.9 * np.sqrt(vx * vy), 0.9 * np.sqrt(vx * vy)))
        bw, bb = wxy / wxx, cxy / vx
        return np.array(
            [
                float(np.nanmean(mx)),
                float(np.nanmean(my)),
                np.log(wxx),
                bw,
                np.log(max(wyy - bw**2 * wxx, 1e-8)),
                np.log(vx),
                bb,
                np.log(max(vy - bb**2 * vx, 1e-8)),
            ]
        )

    def between(self, th):
        bxx, bxy, byy = self._cov(th[..., 5], th[..., 6], th[..., 7])
        wxx, wxy, _ = self._cov(th[..., 2], th[..., 3], th[..., 4])
        return bxx, bxy, byy, wxx, wxy / wxx


def _gradient(f, th: np.ndarray) -> np.ndarray:
    """Complex-step gradient of ``f`` (which takes a batch of parameter vectors)."""
    p = th.size
    return np.imag(f(th[None, :] + 1j * _H * np.eye(p))) / _H


def _hessian(f, th: np.ndarray) -> np.ndarray:
    """Central differences of the complex-step gradient (error ~1e-10 relative)."""
    p = th.size
    step = 1e-5 * np.maximum(1.0, np.abs(th))
    shifts = np.concatenate([np.diag(step), -np.diag(step)])
    points = th[None, :] + shifts  # (2p, p)
    batch = points[:, None, :] + 1j * _H * np.eye(p)[None, :, :]  # (2p, p, p)
    grads = np.imag(f(batch)) / _H  # (2p, p)
    hess = (grads[:p] - grads[p:]) / (2 * step[:, None])
    return (hess + hess.T) / 2


class _OffTheLikelihood(Exception):
    """The optimiser proposed parameters at which the Hessian of the likelihood is not finite
    (a variance overflowing exp, say)."""


def _fit(model) -> tuple[np.ndarray, float, np.ndarray, bool]:
    th0 = model.start()
    scale = 1.0 / max(1.0, abs(float(np.real(model.loglik(th0)))))
    best = [np.inf, th0]  # the best point the optimiser has seen

    def fun(th):
        value = -float(np.real(model.loglik(th))) * scale
        if not np.isfinite(value):
            return np.inf  # rejected like a worse step (NaN would neither reject nor shrink)
        if value < best[0]:
            best[:] = value, np.array(th, dtype=float)
        return value

    def jac(th):
        return -_gradient(model.loglik, th) * scale

    def hess(th):
        value = -_hessian(model.loglik, th) * scale
        if not np.all(np.isfinite(value)):
            raise _OffTheLikelihood(th)
        return value

    # Newton steps in a trust region: few iterations, each one batched call for the Hessian.
    # When the maximum lies on the boundary (no between-group variance of x left, so the slope
    # is not identified) the steps run along a flat ridge until a proposal leaves the range
    # where the likelihood can be computed; scipy evaluates the Hessian there before it can
    # reject the step, and raises. That is a fit that did not converge, not an error.
    try:
        res = optimize.minimize(
            fun,
            th0,
            jac=jac,
            hess=hess,
            method="trust-exact",
            options={"gtol": 1e-11, "maxiter": 200},
        )
        th, left = res.x, False
    except _OffTheLikelihood:
        th, left = best[1], True
    hess = _hessian(model.loglik, th)
    grad = _gradient(model.loglik, th)
    info = -hess
    try:
        eig = np.linalg.eigvalsh(info)
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        eig, cov = np.array([-1.0]), np.full_like(info, np.nan)
    at_boundary = th[model.i_tau] < np.log(1e-10) + np.log(max(np.exp(th[model.i_sigma]), 1e-300))
    converged = bool(
        np.all(np.isfinite(th))
        and np.max(np.abs(grad)) < 1e-4 * max(1.0, float(np.sqrt(np.abs(np.diag(info)).max())))
        and eig.min() > 0
        and not at_boundary
        and not left
    )
    return th, float(np.real(model.loglik(th))), cov, converged


def _manifest(groups_x: np.ndarray, groups_y: np.ndarray, z: np.ndarray) -> tuple[float, float]:
    ok = np.isfinite(groups_x) & np.isfinite(groups_y) & np.isfinite(z).all(axis=1)
    if ok.sum() < 3 + z.shape[1]:
        return float("nan"), float("nan")
    design = np.column_stack([np.ones(ok.sum()), z[ok]])
    rx = groups_x[ok] - design @ np.linalg.lstsq(design, groups_x[ok], rcond=None)[0]
    ry = groups_y[ok] - design @ np.linalg.lstsq(design, groups_y[ok], rcond=None)[0]
    sxx, syy = float(rx @ rx), float(ry @ ry)
    if sxx <= 0 or syy <= 0:
        return float("nan"), float("nan")
    return float(rx @ ry / sxx), float(rx @ ry / np.sqrt(sxx * syy))


def latent_link(
    frame: pl.DataFrame,
    x: str,
    y: str,
    group: str,
    *,
    y_level: str = "group",
    level: float = 0.95,
    covariates: Sequence[str] = (),
) -> LatentLinkResult:
    """Between-group link of ``y`` on the latent group mean of ``x``, by full maximum likelihood.

    ``x`` is measured on people (one row each). ``y_level="group"``: ``y`` is a group figure
    (constant within the group, e.g. a branch's NPS), and the model is the joint ML of
    (x_ij, y_j) with x_ij = mu_x + u_j + e_ij and y_j = alpha + beta u_j + v_j (Croon & van
    Veldhoven 2007). ``y_level="individual"``: ``y`` is measured on the same people and both
    are split into between and within parts, (x, y)_ij = mu + b_j + w_ij (the latent covariate
    model of Lüdtke et al. 2008). ``slope`` = cov_B(x, y) / var_B(x); ``r`` = the between-level
    correlation. Equivalent to lavaan's two-level ``sem(..., cluster=, fixed.x=FALSE)`` with the
    outcome at level 2 only, or at both levels (validated on bh1996, ``tests/stats``).

    The likelihood is written in per-group sufficient statistics (counts, means and within
    sums of squares; for missing answers the same per pattern, via the Woodbury identity), so
    it costs one ``group_by`` and is vectorised over groups; groups of any size. Missing x or
    y are left out answer by answer, as full-information ML does. Variances are optimised on
    the log scale (BFGS, then Newton steps) with complex-step gradients; standard errors come
    from the observed information (the Hessian at the optimum), the slope interval is Wald,
    the interval of r is Fisher's z of its delta-method SE. Optional ``covariates`` (group
    level, group-level y only) enter the means of x's group part and of y, which makes slope
    and r partial. ``converged`` is False when the optimiser did not reach a proper maximum
    (zero between-group variance of x, a singular information matrix): then do not trust it.

    >>> rng = np.random.default_rng(1)
    >>> g = np.repeat(np.arange(300), 8)  # 300 groups of 8
    >>> u = rng.normal(0, 0.5, 300)  # true group levels of x
    >>> y = 0.8 * u + rng.normal(0, 0.3, 300)  # true between slope 0.8
    >>> f = pl.DataFrame({"g": g, "x": u[g] + rng.normal(0, 1, g.size), "y": y[g]})
    >>> res = latent_link(f, "x", "y", "g")
    >>> res.converged, round(res.manifest_slope, 2), round(res.slope, 2)  # observed vs latent
    (True, 0.52, 0.86)
    """
    if y_level not in ("group", "individual"):
        raise ValueError("y_level must be 'group' or 'individual'")
    covariates = tuple(covariates)
    if covariates and y_level != "group":
        raise ValueError("covariates are supported for a group-level y only")
    if y_level == "group":
        stats_ = _group_level_stats(frame, x, y, group, covariates)
        arr = stats_.select("n", "m", "ss", "y", *covariates).cast(pl.Float64).to_numpy()
        return _group_link(arr, covariates, level)
    nan = float("nan")
    s = _individual_stats(frame, x, y, group)
    model = _IndividualModel(s)
    gx = np.where(s["_nx"].to_numpy() > 0, s["_mx"].fill_null(nan).to_numpy(), nan)
    gy = s["_my"].fill_null(nan).to_numpy().astype(float)
    fitable = int((s["n_c"] > 0).sum()) >= 3 and int((s["n_c"] - 1).clip(0).sum()) > 1
    icc_x = icc(frame.select(group, pl.col(x).cast(pl.Float64).fill_nan(None)), x, group)
    n = int((s["n_c"] + s["n_x"] + s["n_y"]).sum())
    return _result(model, s.height, n, gx, gy, np.zeros((s.height, 0)), icc_x, fitable,
                   "Lüdtke et al. (2008), two-level ML", "individual", level, ())  # fmt: skip


def latent_link_groups(
    groups: pl.DataFrame,
    n: str,
    mean: str,
    sd: str,
    y: str,
    *,
    covariates: Sequence[str] = (),
    level: float = 0.95,
) -> LatentLinkResult:
    """:func:`latent_link` with a group-level y from one row per group: the number of answers
    ``n``, their ``mean`` and standard deviation ``sd`` (n - 1 in the denominator) and the
    group figure ``y``. The same likelihood as from the rows (these are its sufficient
    statistics), for callers that already hold group summaries, such as the branch table.

    >>> g = pl.DataFrame({"n": [4, 6, 5, 8, 3], "m": [3.1, 3.6, 2.9, 4.0, 3.3],
    ...                   "sd": [0.7, 0.8, 0.6, 0.9, 0.5], "nps": [10.0, 25.0, 5.0, 40.0, 12.0]})
    >>> res = latent_link_groups(g, "n", "m", "sd", "nps")
    >>> res.n, res.n_groups, round(res.manifest_r, 2)
    (26, 5, 0.99)
    """
    arr = groups.select(
        pl.col(n), pl.col(mean), pl.col(sd) ** 2 * (pl.col(n) - 1), pl.col(y), *covariates
    ).to_numpy()
    return _group_link(np.asarray(arr, dtype=float), tuple(covariates), level)


def _group_link(arr: np.ndarray, covariates: tuple[str, ...], level: float) -> LatentLinkResult:
    nan = float("nan")
    arr = arr[np.isfinite(arr[:, 4:]).all(axis=1)]  # covariates complete
    arr = arr[((arr[:, 0] > 0) & np.isfinite(arr[:, 1])) | np.isfinite(arr[:, 3])]
    model = _GroupModel(arr)
    gx = np.where(model.has_x, model.m, nan)
    gy = np.where(model.has_y, model.y, nan)
    fitable = int((model.has_x & model.has_y).sum()) >= 3 + 2 * len(covariates)
    fitable = fitable and model.within_df > 0
    icc_x = icc_from_groups(model.n, model.m, model.ss_j)
    return _result(model, len(arr), int(model.n.sum()), gx, gy, model.z, icc_x, fitable,
                   "Croon & van Veldhoven (2007), ML", "group", level, covariates)  # fmt: skip


def _result(
    model, n_groups, n, gx, gy, z, icc_x, fitable, method, y_level, level, covariates
) -> LatentLinkResult:
    nan = float("nan")
    q = float(sps.norm.ppf(0.5 + level / 2))
    manifest_slope, manifest_r = _manifest(gx, gy, z)
    common = dict(
        manifest_slope=manifest_slope,
        manifest_r=manifest_r,
        icc1_x=icc_x.icc1,
        icc2_x=icc_x.icc2,
        n_groups=n_groups,
        n=n,
        method=method,
        y_level=y_level,
        level=level,
        covariates=covariates,
        mean_group_size=icc_x.n / icc_x.n_groups if icc_x.n_groups else nan,
    )
    if not fitable:
        return LatentLinkResult(
            nan, nan, (nan, nan), nan, nan, (nan, nan), nan, nan, nan, nan, nan, nan, False,
            **common,
        )  # fmt: skip
    with np.errstate(all="ignore"):
        th, loglik, cov, converged = _fit(model)
        tau, cxy, vy, wx, within_slope = (float(np.real(v)) for v in model.between(th))
        slope = float(th[model.i_slope])
        slope_se = float(np.sqrt(cov[model.i_slope, model.i_slope]))

        def corr(t):
            tx, c, ty, _, _ = model.between(t)
            return c / np.sqrt(tx * ty)

        r = float(np.real(corr(th)))
        grad_r = _gradient(corr, th)
        r_se = float(np.sqrt(grad_r @ cov @ grad_r))
        if abs(r) < 1 - 1e-9:
            z_se = r_se / (1 - r**2)
            r_ci = (
                float(np.tanh(np.arctanh(r) - q * z_se)),
                float(np.tanh(np.arctanh(r) + q * z_se)),
            )
        else:  # a latent correlation of +-1: a boundary solution, nothing to trust
            r_ci, converged = (nan, nan), False
    return LatentLinkResult(
        slope=slope,
        slope_se=slope_se,
        slope_ci=(slope - q * slope_se, slope + q * slope_se),
        r=r,
        r_se=r_se,
        r_ci=r_ci,
        between_var_x=tau,
        between_var_y=vy,
        between_cov=cxy,
        within_var_x=wx,
        within_slope=within_slope,
        loglik=loglik,
        converged=converged,
        **common,
    )
