/* Regions of interest: mark a stretch of guest work so the host reports it by name. */
#ifndef GUEST_LIB_ROI_H
#define GUEST_LIB_ROI_H

void roi_begin(const char *name);
void roi_end(const char *name);

#endif
