/* Regions of interest: mark a stretch of guest work so the host reports it by name. */
#ifndef GUEST_LIB_ROI_H
#define GUEST_LIB_ROI_H

void roi_begin(const char *name);
void roi_end(const char *name);
/* Marks the innermost open region `name` as failed: the report counts it in its failures. */
void roi_fail(const char *name);

#endif
