// SPDX-License-Identifier: GPL-2.0
/*
 * edu_dma: a PCI driver for QEMU's edu device (1234:11e8) written as a Linux driver is:
 * pci_register_driver, pci_enable_device, pci_request_regions, pci_iomap, pci_set_master,
 * dma_set_mask_and_coherent, request_irq when the device has an interrupt line. At probe it runs
 * one DMA exercise chosen by the parameter `bug`:
 *
 *   none                  the good path: a pattern in a dma_alloc_coherent buffer goes to the
 *                         device's buffer and comes back into a kmalloc(GFP_DMA) buffer mapped
 *                         with dma_map_single(DMA_FROM_DEVICE); the data must round-trip
 *   vmalloc_virt_to_phys  the classic bug: the device is handed virt_to_phys() of a vmalloc
 *                         buffer, which is no physical address of that buffer at all (vmalloc
 *                         memory is outside the direct map) and was never mapped for DMA
 *
 * Completion is polled (the interrupt, when there is one, only acknowledges), so the driver
 * works whether or not the board wires the edu's INTx.
 * Prints "edu_dma 0000:00:BB.F: BUG: ok" or "...: BUG: failed (ERR)".
 */
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "devices/abi/edu.h"
#include "devices/abi/qemu_pci_ids.h"

#define DRV_NAME "edu_dma"
#define TRANSFER 4096
/* The engine drives 28 address bits (QEMU's edu dma_mask). */
#define EDU_DMA_BITS 28
#define MAX_POLLS 1000000

static char *bug = "none";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "none (good path) or vmalloc_virt_to_phys");

struct edu {
	struct pci_dev *pdev;
	void __iomem *mmio;
	bool has_irq;
	unsigned int interrupts;
};

static irqreturn_t edu_interrupt(int irq, void *data)
{
	struct edu *edu = data;
	u32 status = ioread32(edu->mmio + EDU_IRQ_STATUS);

	if (!status)
		return IRQ_NONE;
	iowrite32(status, edu->mmio + EDU_IRQ_ACK);
	edu->interrupts++;
	return IRQ_HANDLED;
}

/* Rings the doorbell for one transfer and waits for the engine; -EIO if the device refused it. */
static noinline int edu_dma_transfer(struct edu *edu, u32 src, u32 dst, u32 direction)
{
	u32 cmd = EDU_DMA_CMD_START | direction | (edu->has_irq ? EDU_DMA_CMD_IRQ : 0);
	unsigned int polls = 0;
	u32 status;

	iowrite32(src, edu->mmio + EDU_DMA_SRC);
	iowrite32(dst, edu->mmio + EDU_DMA_DST);
	iowrite32(TRANSFER, edu->mmio + EDU_DMA_COUNT);
	iowrite32(cmd, edu->mmio + EDU_DMA_CMD);
	while (ioread32(edu->mmio + EDU_DMA_CMD) & EDU_DMA_CMD_START) {
		if (++polls > MAX_POLLS)
			return -ETIMEDOUT;
		cpu_relax();
	}
	status = ioread32(edu->mmio + EDU_STATUS);
	if (status & EDU_STATUS_DMA_REJECTED) {
		dev_err(&edu->pdev->dev, "the device rejected the DMA (rule %u)\n",
			(status & EDU_STATUS_DMA_RULE_MASK) >> EDU_STATUS_DMA_RULE_SHIFT);
		return -EIO;
	}
	return 0;
}

static noinline int edu_round_trip(struct edu *edu)
{
	struct device *dev = &edu->pdev->dev;
	dma_addr_t coherent_bus, stream_bus;
	u8 *coherent, *stream;
	int i, err = -ENOMEM;

	coherent = dma_alloc_coherent(dev, TRANSFER, &coherent_bus, GFP_KERNEL);
	/* Below 16 MiB, inside the 28-bit mask: without an IOMMU or bounce buffers the device
	 * reaches only what its mask covers. */
	stream = kmalloc(TRANSFER, GFP_KERNEL | GFP_DMA);
	if (!coherent || !stream)
		goto out;
	for (i = 0; i < TRANSFER; i++)
		coherent[i] = (u8)(i * 7 + 3);
	memset(stream, 0, TRANSFER);
	err = edu_dma_transfer(edu, coherent_bus, EDU_BUFFER_OFFSET, 0);
	if (err)
		goto out;
	stream_bus = dma_map_single(dev, stream, TRANSFER, DMA_FROM_DEVICE);
	if (dma_mapping_error(dev, stream_bus)) {
		err = -ENOMEM;
		goto out;
	}
	err = edu_dma_transfer(edu, EDU_BUFFER_OFFSET, stream_bus, EDU_DMA_CMD_TO_RAM);
	dma_unmap_single(dev, stream_bus, TRANSFER, DMA_FROM_DEVICE);
	if (!err && memcmp(stream, coherent, TRANSFER)) {
		dev_err(dev, "the data did not survive the round trip\n");
		err = -EIO;
	}
	if (!err)
		dev_info(dev, "round trip of %d bytes: coherent %pad -> device -> streaming %pad\n", TRANSFER,
			 &coherent_bus, &stream_bus);
out:
	kfree(stream);
	if (coherent)
		dma_free_coherent(dev, TRANSFER, coherent, coherent_bus);
	return err;
}

static noinline int edu_receive_into_vmalloc(struct edu *edu)
{
	void *buffer = vmalloc(2 * PAGE_SIZE);
	int err;

	if (!buffer)
		return -ENOMEM;
	/* The bug under test: virt_to_phys() is only meaningful for the direct map. */
	err = edu_dma_transfer(edu, EDU_BUFFER_OFFSET, (u32)virt_to_phys(buffer), EDU_DMA_CMD_TO_RAM);
	vfree(buffer);
	return err;
}

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct edu *edu;
	int err;

	edu = devm_kzalloc(&pdev->dev, sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return -ENOMEM;
	edu->pdev = pdev;
	err = pci_enable_device(pdev);
	if (err)
		return err;
	err = pci_request_regions(pdev, DRV_NAME);
	if (err)
		goto disable;
	edu->mmio = pci_iomap(pdev, EDU_MMIO_BAR, 0);
	if (!edu->mmio) {
		err = -ENOMEM;
		goto release;
	}
	if (ioread32(edu->mmio + EDU_IDENT) != EDU_IDENT_VALUE) {
		dev_err(&pdev->dev, "not an edu: ident %#x\n", ioread32(edu->mmio + EDU_IDENT));
		err = -ENODEV;
		goto unmap;
	}
	pci_set_master(pdev);
	err = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(EDU_DMA_BITS));
	if (err)
		goto unmap;
	edu->has_irq = pdev->irq && !request_irq(pdev->irq, edu_interrupt, IRQF_SHARED, DRV_NAME, edu);
	pci_set_drvdata(pdev, edu);

	if (!strcmp(bug, "none")) {
		err = edu_round_trip(edu);
	} else if (!strcmp(bug, "vmalloc_virt_to_phys")) {
		err = edu_receive_into_vmalloc(edu);
	} else {
		dev_err(&pdev->dev, "unknown bug=%s\n", bug);
		err = -EINVAL;
	}
	if (err)
		dev_info(&pdev->dev, "%s: failed (%d)\n", bug, err);
	else
		dev_info(&pdev->dev, "%s: ok\n", bug);
	if (!err)
		return 0;
	if (edu->has_irq)
		free_irq(pdev->irq, edu);
unmap:
	pci_iounmap(pdev, edu->mmio);
release:
	pci_release_regions(pdev);
disable:
	pci_disable_device(pdev);
	return err;
}

static void edu_remove(struct pci_dev *pdev)
{
	struct edu *edu = pci_get_drvdata(pdev);

	if (edu->has_irq)
		free_irq(pdev->irq, edu);
	pci_iounmap(pdev, edu->mmio);
	pci_release_regions(pdev);
	pci_disable_device(pdev);
}

static const struct pci_device_id edu_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_QEMU, EDU_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, edu_ids);

static struct pci_driver edu_driver = {
	.name = DRV_NAME,
	.id_table = edu_ids,
	.probe = edu_probe,
	.remove = edu_remove,
};
module_pci_driver(edu_driver);

MODULE_DESCRIPTION("ia32emu: a PCI driver for the edu DMA engine, with a good path and the classic vmalloc bug");
MODULE_LICENSE("GPL");
