/* GRU cell in the cuDNN/PyTorch form: the reset gate scales U_n h' after the product, so the
 * three recurrent products are one matrix multiply per step. */
#include <math.h>

#include "cells.h"

void gru_cell_forward(float *gx, const float *gh, const float *hp, float *h, int B, int H) {
    for (int b = 0; b < B; b++) {
        const size_t r3 = (size_t)b * 3 * H, r = (size_t)b * H;
        float *xr = gx + r3, *xz = xr + H, *xn = xz + H;
        const float *hr = gh + r3, *hz = hr + H, *hn = hz + H;
        for (int j = 0; j < H; j++) {
            float rg = rlm_sigmoid(xr[j] + hr[j]), z = rlm_sigmoid(xz[j] + hz[j]);
            float n = rlm_tanh(xn[j] + rg * hn[j]);
            xr[j] = rg, xz[j] = z, xn[j] = n;
            h[r + j] = (1 - z) * n + z * hp[r + j];
        }
    }
}

void gru_cell_backward(float *dgx, float *dgh, float *dhp, const float *dh, const float *gx,
                       const float *gh, const float *hp, int B, int H) {
    for (int b = 0; b < B; b++) {
        const size_t r3 = (size_t)b * 3 * H, r = (size_t)b * H;
        const float *ar = gx + r3, *az = ar + H, *an = az + H, *hn = gh + r3 + 2 * H;
        float *dxr = dgx + r3, *dxz = dxr + H, *dxn = dxz + H;
        float *dhr = dgh + r3, *dhz = dhr + H, *dhn = dhz + H;
        for (int j = 0; j < H; j++) {
            float d = dh[r + j], z = az[j], n = an[j], rg = ar[j];
            float dn = d * (1 - z) * (1 - n * n);
            float dz = d * (hp[r + j] - n) * z * (1 - z);
            float dr = dn * hn[j] * rg * (1 - rg);
            dxr[j] = dhr[j] = dr;
            dxz[j] = dhz[j] = dz;
            dxn[j] = dn;
            dhn[j] = dn * rg;
            dhp[r + j] = d * z;
        }
    }
}
